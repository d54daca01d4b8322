#include "eval/evaluator.h"

#include <gtest/gtest.h>

namespace recd {
namespace {

// Checkerboard: even users interact with even items, odd users with odd items; one interaction
// per user is held out. Item-kNN must find every held-out item; popularity cannot tell.
Dataset Checkerboard(Split* split) {
  Dataset ds;
  bool inserted = false;
  for (int i = 0; i < 10; ++i) ds.items.Intern("i" + std::to_string(i), &inserted);
  for (uint32_t u = 0; u < 20; ++u) {
    ds.users.Intern("u" + std::to_string(u), &inserted);
    int held = 0;
    for (ItemIdx i = u % 2; i < 10; i += 2) {
      Interaction row{u, i, 1.0f, 0};
      // Each user holds out a different item of their parity.
      (i == (u % 2) + 2 * ((u / 2) % 5) && held++ == 0 ? split->test : split->train).push_back(row);
    }
  }
  ds.item_categories.resize(10);
  return ds;
}

TEST(OfflineEvaluator, ItemKnnSolvesTheCheckerboardAndMasksSeenItems) {
  Split split;
  Dataset ds = Checkerboard(&split);
  EvalOptions options;
  options.ks = {1, 4};
  OfflineEvaluator evaluator(ds, split, options);
  EXPECT_EQ(evaluator.num_users(), 20u);
  auto knn = evaluator.Evaluate("itemknn(k=10)");
  ASSERT_TRUE(knn.ok()) << knn.status().ToString();
  // Seen items are masked, so the only item of the right parity left is the held-out one.
  EXPECT_DOUBLE_EQ(knn->metrics.at("hit_rate@1"), 1.0);
  EXPECT_DOUBLE_EQ(knn->metrics.at("ndcg@4"), 1.0);
  EXPECT_DOUBLE_EQ(knn->metrics.at("precision@4"), 0.25);
  EXPECT_DOUBLE_EQ(knn->metrics.at("coverage@1"), 1.0);
  auto pop = evaluator.Evaluate("popularity");
  ASSERT_TRUE(pop.ok());
  EXPECT_LT(pop->metrics.at("hit_rate@1"), 1.0);
  EXPECT_EQ(pop->spec, "popularity");
}

TEST(OfflineEvaluator, KeepSeenLetsTrainingItemsBack) {
  Split split;
  Dataset ds = Checkerboard(&split);
  EvalOptions options;
  options.ks = {1};
  options.keep_seen = true;
  OfflineEvaluator evaluator(ds, split, options);
  auto pop = evaluator.Evaluate("popularity");
  ASSERT_TRUE(pop.ok());
  // With nothing masked every user gets the same single most popular item.
  EXPECT_DOUBLE_EQ(pop->metrics.at("coverage@1"), 0.1);
}

TEST(MetricSums, PessimisticTiesPutRelevantItemsLast) {
  CatalogStats stats;
  stats.item_categories.resize(4);
  stats.item_users = {1, 1, 1, 1};
  stats.num_users = 1;
  stats.num_items = 4;
  EvalOptions options;
  options.ks = {1};
  const std::vector<Scored> scored = {{0, 2.0}, {1, 2.0}, {2, 1.0}};
  const std::vector<ItemIdx> relevant = {0};
  MetricSums by_index(options, stats);
  by_index.Add(scored, relevant, relevant);
  options.ties = TieOrder::kPessimistic;
  MetricSums pessimistic(options, stats);
  pessimistic.Add(scored, relevant, relevant);
  std::map<std::string, double> a, b;
  by_index.Write(&a);
  pessimistic.Write(&b);
  EXPECT_EQ(a.at("hit_rate@1"), 1.0);  // item 0 first among the tie
  EXPECT_EQ(b.at("hit_rate@1"), 0.0);  // item 1 first: the relevant one goes last
}

TEST(OfflineEvaluator, BadSpecsAreClearErrors) {
  Split split;
  Dataset ds = Checkerboard(&split);
  OfflineEvaluator evaluator(ds, split, EvalOptions());
  EXPECT_NE(evaluator.Evaluate("itemknn(neighbours=5)").status().message().find("unknown parameter 'neighbours'"),
            std::string::npos);
  EXPECT_NE(evaluator.Evaluate("itemknn(k=0)").status().message().find("k must be an integer from 1"),
            std::string::npos);
  EXPECT_NE(evaluator.Evaluate("svd").status().message().find("unknown model 'svd'"), std::string::npos);
  EXPECT_NE(evaluator.Evaluate("itemknn(k=5").status().message().find("expected ')'"), std::string::npos);
}

}  // namespace
}  // namespace recd
