#include "config/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>

#include "tests/test_util.h"

namespace recd {
namespace {

TEST(Config, DocsReferenceIsGeneratedFromTheCode) {
  std::ifstream in(std::string(RECD_SOURCE_DIR) + "/docs/config.md");
  ASSERT_TRUE(in) << "docs/config.md is missing; regenerate with: recd config-reference > docs/config.md";
  std::stringstream doc;
  doc << in.rdbuf();
  EXPECT_EQ(doc.str(), ConfigReference())
      << "docs/config.md is stale; regenerate with: recd config-reference > docs/config.md";
}

TEST(Config, EveryKeyRoundTripsItsDefault) {
  const Options defaults;
  for (const ConfigKey& key : ConfigKeys()) {
    Options o;
    ASSERT_TRUE(key.set(o, key.get(defaults)).ok()) << key.name;
    EXPECT_EQ(key.get(o), key.get(defaults)) << key.name;
  }
}

TEST(Config, FileOverridesDefaultsAndEnvironmentOverridesFile) {
  testing::TempDir dir;
  std::ofstream(dir.Sub("recd.toml")) << "[server]\nlisten = \"127.0.0.1:9000\"\nhttp_threads = 3\n"
                                         "[events.weights]\npurchase = 25.5\n"
                                         "[events]\nexclude_types = [\"purchase\"]\n";
  Options o;
  ASSERT_TRUE(LoadConfigFile(dir.Sub("recd.toml"), &o).ok());
  EXPECT_EQ(o.listen, "127.0.0.1:9000");
  EXPECT_EQ(o.http_threads, 3);
  EXPECT_EQ(o.event_weights[static_cast<int>(EventType::kPurchase)], 25.5);
  EXPECT_EQ(o.exclude_types, std::vector<EventType>{EventType::kPurchase});
  setenv("RECD_SERVER_HTTP_THREADS", "5", 1);
  ASSERT_TRUE(ApplyEnvironment(&o).ok());
  unsetenv("RECD_SERVER_HTTP_THREADS");
  EXPECT_EQ(o.http_threads, 5);
}

TEST(Config, ErrorsNameTheFileLineAndKey) {
  testing::TempDir dir;
  std::ofstream(dir.Sub("bad.toml")) << "[server]\nhttp_threads = 0\n";
  Options o;
  Status st = LoadConfigFile(dir.Sub("bad.toml"), &o);
  ASSERT_TRUE(st.IsInvalidArgument());
  EXPECT_NE(st.message().find("bad.toml:2: server.http_threads: must be between 1 and 64, got 0"), std::string::npos)
      << st.message();

  std::ofstream(dir.Sub("unknown.toml")) << "[server]\nlisten_on = \"x\"\n";
  st = LoadConfigFile(dir.Sub("unknown.toml"), &o);
  EXPECT_NE(st.message().find("unknown configuration key 'server.listen_on'"), std::string::npos) << st.message();

  std::ofstream(dir.Sub("syntax.toml")) << "[server\n";
  EXPECT_TRUE(LoadConfigFile(dir.Sub("syntax.toml"), &o).IsInvalidArgument());
  EXPECT_FALSE(LoadConfigFile(dir.Sub("missing.toml"), &o).ok());

  EXPECT_TRUE(SetConfig(&o, "events.exclude_types", "purchase,bought").IsInvalidArgument());
  EXPECT_TRUE(SetConfig(&o, "online.history_size", "ten").IsInvalidArgument());
}

}  // namespace
}  // namespace recd
