// The configuration registry: one entry per Options field, with its name in the TOML file
// ("server.listen"), its environment variable (RECD_SERVER_LISTEN), its default and its meaning.
// The file, the environment and the CLI all set Options through it, and docs/config.md is
// generated from it (`recd config-reference`), so the reference cannot drift from the code.
//
// Precedence: built-in defaults < config file < environment < command-line flags.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "recd/options.h"
#include "recd/status.h"

namespace recd {

struct ConfigKey {
  std::string name;         // dotted TOML path
  std::string description;
  std::function<std::string(const Options&)> get;
  // Parses and range-checks `value`; InvalidArgument saying what was expected.
  std::function<Status(Options&, std::string_view value)> set;

  std::string EnvName() const;  // RECD_ + upper-case name with '.' -> '_'
};

const std::vector<ConfigKey>& ConfigKeys();

// Sets one key by name; InvalidArgument for an unknown key or a bad value.
Status SetConfig(Options* options, std::string_view name, std::string_view value);

// Reads a TOML file; errors name the file, and the line or key at fault. Unknown keys are errors.
Status LoadConfigFile(const std::string& path, Options* options);

// Applies every RECD_* variable present in the environment.
Status ApplyEnvironment(Options* options);

// The Markdown reference of every key (docs/config.md).
std::string ConfigReference();

}  // namespace recd
