// `recd eval` and `recd tune` as a script calls them: flags in, a JSON report out.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "tests/test_util.h"

namespace recd {
namespace {

int RunRecd(const std::string& args, std::string* output) {
  std::string cmd = std::string(RECD_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) output->append(buf, n);
  return WEXITSTATUS(pclose(p));
}

TEST(CliEval, GivenSplitWritesTheStableJsonShape) {
  testing::TempDir dir;
  // Two groups of items bought together; the test split asks for the other half of each group.
  std::ofstream train(dir.Sub("train.csv")), test(dir.Sub("test.csv"));
  train << "uid,iid,ts\n";
  test << "uid,iid,ts\n";
  for (int u = 0; u < 8; ++u) {
    const int base = u % 2 ? 10 : 0;
    for (int i = 0; i < 3; ++i) train << "u" << u << ",i" << base + (i + u) % 4 << "," << u * 10 + i << "\n";
    test << "u" << u << ",i" << base + (3 + u) % 4 << "," << 1000 + u << "\n";
  }
  train.close();
  test.close();
  std::string out;
  ASSERT_EQ(RunRecd("eval --quiet --train " + dir.Sub("train.csv") + " --test " + dir.Sub("test.csv") +
                    " --columns user=uid,item=iid,timestamp=ts --model popularity --model 'itemknn(k=10)' --k 1,2 --out " +
                    dir.Sub("r.json") + " --html " + dir.Sub("r.html"),
                &out),
            0)
      << out;
  EXPECT_NE(out.find("| `itemknn(k=10,sim=cosine,shrink=0)` |"), std::string::npos) << out;
  std::ifstream in(dir.Sub("r.json"));
  std::stringstream json;
  json << in.rdbuf();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json.str()).get(doc), simdjson::SUCCESS) << json.str();
  simdjson::dom::array models;
  ASSERT_EQ(doc["models"].get(models), simdjson::SUCCESS);
  ASSERT_EQ(models.size(), 2u);
  std::string_view spec;
  double ndcg = 0, p50 = 0, hit = 0;
  simdjson::dom::element knn = models.at(1);
  EXPECT_EQ(knn["spec"].get(spec), simdjson::SUCCESS);
  EXPECT_EQ(spec, "itemknn(k=10,sim=cosine,shrink=0)");
  EXPECT_EQ(knn["metrics"]["ndcg@2"].get(ndcg), simdjson::SUCCESS);
  EXPECT_EQ(knn["metrics"]["hit_rate@1"].get(hit), simdjson::SUCCESS);
  EXPECT_EQ(knn["latency_ms"]["p50"].get(p50), simdjson::SUCCESS);
  EXPECT_DOUBLE_EQ(hit, 1.0);  // the one unseen item of the user's group comes first
  std::ifstream html(dir.Sub("r.html"));
  std::stringstream page;
  page << html.rdbuf();
  EXPECT_NE(page.str().find("<svg"), std::string::npos);
}

TEST(CliEval, BadFlagsAreClearErrors) {
  std::string out;
  EXPECT_NE(RunRecd("eval --dataset nope --quiet", &out), 0);
  EXPECT_NE(out.find("dataset 'nope' is unknown"), std::string::npos) << out;
  out.clear();
  EXPECT_NE(RunRecd("eval --dataset ml-100k --k 0 --quiet", &out), 0);
  EXPECT_NE(out.find("--k: expected positive integers"), std::string::npos) << out;
  out.clear();
  EXPECT_NE(RunRecd("tune --dataset ml-100k --model 'itemknn(k=[5,6)' --quiet", &out), 0);
  EXPECT_NE(out.find("'[' without ']'"), std::string::npos) << out;
}

TEST(CliEval, TunePicksTheBestOnValidationAndTestsItOnce) {
  if (testing::SharedDataDir().empty()) GTEST_SKIP() << "../shared/data is not present next to this checkout";
  std::string out;
  ASSERT_EQ(RunRecd("tune --quiet --dataset ml-100k --data " + testing::SharedDataDir() +
                    " --model 'itemknn(k=[5,500])' --k 10 --metric ndcg@10",
                &out),
            0)
      << out;
  EXPECT_NE(out.find("best on validation: itemknn(k=500)"), std::string::npos) << out;
  EXPECT_NE(out.find("| `itemknn(k=500,sim=cosine,shrink=0)` |"), std::string::npos) << out;
}

}  // namespace
}  // namespace recd
