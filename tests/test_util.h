// Helpers shared by the test suites: temporary directories, the shared datasets, an engine
// with small test defaults.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "recd/engine.h"

namespace recd::testing {

// A fresh directory under $TMPDIR, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "recd-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// ../shared/data next to the checkout, or "" when it is absent (a user's fresh clone).
inline std::string SharedDataDir() {
  std::string dir = std::string(RECD_SOURCE_DIR) + "/../shared/data";
  struct stat st;
  return stat(dir.c_str(), &st) == 0 ? dir : "";
}

inline Options TestOptions(const std::string& data_dir) {
  Options o;
  o.data_dir = data_dir;
  o.retrain_interval_seconds = 0;
  o.knn_shrink = 0;
  return o;
}

inline Event MakeEvent(std::string user, std::string item, EventType type, int64_t ts = 0) {
  Event e;
  e.user_key = std::move(user);
  e.item_key = std::move(item);
  e.type = type;
  e.timestamp_ms = ts;
  return e;
}

inline std::unique_ptr<Engine> OpenOrDie(const Options& options) {
  Result<std::unique_ptr<Engine>> engine = Engine::Open(options);
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  return engine.ok() ? std::move(engine).value() : nullptr;
}

}  // namespace recd::testing
