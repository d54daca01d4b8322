// Importers on the real datasets in ../shared/data (skipped, with a message, where it is absent)
// and on the demo shop generator.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cli/demo_shop.h"
#include "cli/import.h"
#include "tests/test_util.h"

namespace recd {
namespace {

#define REQUIRE_SHARED_DATA()                                                               \
  if (testing::SharedDataDir().empty()) {                                                   \
    GTEST_SKIP() << "../shared/data is not present next to this checkout; dataset import " \
                    "tests need it (CI has it)";                                            \
  }

struct Imported {
  cli::ImportStats stats;
  std::unique_ptr<Engine> engine;
};

Imported ImportInto(const testing::TempDir& dir, const std::string& format, const std::string& path) {
  Imported out;
  out.engine = testing::OpenOrDie(testing::TestOptions(dir.path()));
  Status st = cli::Import(*out.engine, format, path, &out.stats);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(out.engine->Retrain(true).ok());
  return out;
}

TEST(Datasets, MovieLens100k) {
  REQUIRE_SHARED_DATA();
  testing::TempDir dir;
  Imported im = ImportInto(dir, "movielens-100k", testing::SharedDataDir() + "/movielens-100k");
  EXPECT_EQ(im.stats.events, 100000u);
  EXPECT_EQ(im.stats.items, 1682u);
  EXPECT_EQ(im.stats.rejected, 0u);
  EXPECT_EQ(im.engine->Stats().users, 943u);
  EXPECT_EQ(im.engine->GetItem("1")->title, "Toy Story (1995)");
  EXPECT_EQ(im.engine->GetItem("1")->categories[0], "Animation");
  RecommendRequest req;
  req.user_key = "1";
  auto list = im.engine->Recommend(req);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 10u);
  EXPECT_EQ(list->front().source, "itemknn");
}

TEST(Datasets, MlLatestSmallAmazonAndDiginetica) {
  REQUIRE_SHARED_DATA();
  {
    testing::TempDir dir;
    Imported im = ImportInto(dir, "ml-latest-small", testing::SharedDataDir() + "/movielens-latest-small");
    EXPECT_EQ(im.stats.events, 100836u);
    EXPECT_EQ(im.stats.items, 9742u);
    EXPECT_EQ(im.stats.rejected, 0u);
  }
  {
    testing::TempDir dir;
    Imported im = ImportInto(dir, "amazon-reviews",
                             testing::SharedDataDir() + "/amazon-musical-instruments-5core/Musical_Instruments.json.zst");
    EXPECT_EQ(im.stats.events, 10261u);
    EXPECT_EQ(im.engine->Stats().users, 1429u);
  }
  {
    testing::TempDir dir;
    Imported im = ImportInto(dir, "diginetica", testing::SharedDataDir() + "/diginetica-sample/train-item-views.csv.zst");
    EXPECT_EQ(im.stats.events, 12391u);
    EXPECT_EQ(im.stats.rejected, 0u);
    EXPECT_EQ(im.engine->Stats().sessions, 2986u);
    EXPECT_EQ(im.engine->Stats().items, 7139u);
  }
}

TEST(DemoShop, IsDeterministicAndImportsCleanly) {
  testing::TempDir a, b, data;
  cli::DemoShopOptions options;
  options.items = 300;
  options.users = 100;
  options.sessions = 500;
  options.end_ms = 1764000000000;
  uint64_t written_a = 0, written_b = 0;
  ASSERT_TRUE(cli::WriteDemoShop(options, a.path(), &written_a).ok());
  ASSERT_TRUE(cli::WriteDemoShop(options, b.path(), &written_b).ok());
  auto slurp = [](const std::string& p) {
    std::stringstream s;
    s << std::ifstream(p).rdbuf();
    return s.str();
  };
  EXPECT_EQ(slurp(a.Sub("events.jsonl")), slurp(b.Sub("events.jsonl")));
  EXPECT_GT(written_a, 500u);

  auto engine = testing::OpenOrDie(testing::TestOptions(data.path()));
  cli::ImportStats stats;
  ASSERT_TRUE(cli::Import(*engine, "catalog", a.Sub("catalog.jsonl"), &stats).ok());
  ASSERT_TRUE(cli::Import(*engine, "users", a.Sub("users.jsonl"), &stats).ok());
  ASSERT_TRUE(cli::Import(*engine, "events", a.Sub("events.jsonl"), &stats).ok());
  EXPECT_EQ(stats.items, 300u);
  EXPECT_EQ(stats.users, 100u);
  EXPECT_EQ(stats.events, written_a);
  EXPECT_EQ(stats.rejected, 0u);
  // A newcomer in a segment gets that segment's favourites.
  ASSERT_TRUE(engine->UpsertUser({"newcomer", R"({"segment": "sports"})"}).ok());
  RecommendRequest req;
  req.user_key = "newcomer";
  auto list = engine->Recommend(req);
  ASSERT_TRUE(list.ok() && !list->empty());
  EXPECT_EQ((*list)[0].source, "cohort");
}

TEST(Import, UsersJsonlKeepsAttributesAndRejectsBadLines) {
  testing::TempDir dir;
  std::ofstream(dir.Sub("users.jsonl")) << R"({"id": "u1", "attributes": {"city": "Lyon"}})" "\n"
                                        << R"({"id": 7})" "\n"
                                        << R"({"attributes": {}})" "\n"
                                        << R"({"id": "u3", "attributes": "Lyon"})" "\n"
                                        << R"({"id": "u4", "colour": "red"})" "\n";
  auto engine = testing::OpenOrDie(testing::TestOptions(dir.Sub("data")));
  cli::ImportStats stats;
  ASSERT_TRUE(cli::Import(*engine, "users", dir.Sub("users.jsonl"), &stats).ok());
  EXPECT_EQ(stats.users, 2u);
  EXPECT_EQ(stats.rejected, 3u);
  EXPECT_EQ(engine->GetUser("u1")->attributes_json, R"({"city":"Lyon"})");
  EXPECT_EQ(engine->GetUser("7")->attributes_json, "{}");
}

TEST(Import, ReportsBadLinesAndKeepsTheGoodOnes) {
  testing::TempDir dir;
  std::ofstream(dir.Sub("events.csv")) << "user,item,type,timestamp\nu1,i1,view,1700000000000\n"
                                          "u1,i2,teleport,1700000000000\nu2,i1,purchase,notanumber\nu2,i2,click,\n";
  auto engine = testing::OpenOrDie(testing::TestOptions(dir.Sub("data")));
  cli::ImportStats stats;
  ASSERT_TRUE(cli::Import(*engine, "events", dir.Sub("events.csv"), &stats).ok());
  EXPECT_EQ(stats.events, 2u);
  EXPECT_EQ(stats.rejected, 2u);
  EXPECT_TRUE(cli::Import(*engine, "events", dir.Sub("missing.csv"), &stats).message().find("missing.csv") != std::string::npos);
}

}  // namespace
}  // namespace recd
