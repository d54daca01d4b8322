#include "eval/evaluator.h"

#include <cmath>

#include <gtest/gtest.h>

#include "eval/replay.h"

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

TEST(Protocols, ColdUsersAreAskedWithoutAHistoryAndCohortsHelp) {
  // Users of parity p take the items of parity p; a third of them is held out entirely.
  Dataset ds;
  bool inserted = false;
  for (int i = 0; i < 10; ++i) ds.items.Intern("i" + std::to_string(i), &inserted);
  for (uint32_t u = 0; u < 30; ++u) {
    ds.users.Intern("u" + std::to_string(u), &inserted);
    ds.user_attributes.push_back({u % 2 ? "parity=odd" : "parity=even"});
    for (ItemIdx i = u % 2; i < 10; i += 2) ds.interactions.push_back({u, i, 1.0f, 0});
  }
  ds.interactions.push_back({0, 0, 1.0f, 0});  // item 0 is the most popular
  ds.item_categories.resize(10);
  Split split = ColdUserSplit(ds.interactions, ds.users.size(), 1.0 / 3, 42);
  ASSERT_TRUE(split.cold_users);
  EvalOptions options;
  options.ks = {5};
  OfflineEvaluator evaluator(ds, split, options);
  EXPECT_EQ(evaluator.num_users(), 10u);
  auto popularity = evaluator.Evaluate("popularity");
  auto cohort = evaluator.Evaluate("cohort");
  ASSERT_TRUE(popularity.ok() && cohort.ok());
  EXPECT_DOUBLE_EQ(cohort->metrics.at("precision@5"), 1.0);  // every cold user's five items
  EXPECT_LT(popularity->metrics.at("precision@5"), 0.7);
}

TEST(Protocols, TagSearchAsksPlainAndPersonalizedAtTheQueryTime) {
  // Two films tagged "space"; x2 is a little more popular. A shopper of science fiction later
  // tags x1 "space": plain search puts x2 first, personalized search x1.
  Dataset ds;
  bool inserted = false;
  const std::pair<const char*, const char*> films[] = {{"s1", "Sci-Fi"}, {"s2", "Sci-Fi"}, {"s3", "Sci-Fi"},
                                                        {"d1", "Documentary"}, {"d2", "Documentary"},
                                                        {"d3", "Documentary"}, {"x1", "Sci-Fi"}, {"x2", "Documentary"}};
  for (const auto& [key, genre] : films) {
    ds.items.Intern(key, &inserted);
    ds.item_titles.push_back(std::string("Film ") + key);
    ds.item_categories.push_back({genre});
  }
  const int64_t t0 = 1500000000000;
  auto rate = [&](const std::string& user, const std::string& item, int64_t t) {
    ds.interactions.push_back({ds.users.Intern(user, &inserted), *ds.items.Find(item), 1.0f, t});
  };
  for (int u = 0; u < 3; ++u) {
    for (const char* item : {"s1", "s2", "s3", "x1"}) rate("scifi" + std::to_string(u), item, t0);
    for (const char* item : {"d1", "d2", "d3", "x2"}) rate("doc" + std::to_string(u), item, t0);
  }
  rate("extra", "x2", t0);
  rate("fan", "s1", t0 + 500);
  rate("fan", "s2", t0 + 600);
  const uint32_t fan = *ds.users.Find("fan");
  ds.tags = {{0, *ds.items.Find("x1"), "space", t0 + 100}, {0, *ds.items.Find("x2"), "space", t0 + 101},
             {fan, *ds.items.Find("x1"), "Space", t0 + 1000}};
  ReplayOptions options;
  options.eval.ks = {10};
  options.eval.progress = false;
  auto result = ReplayTagSearch(ds, 0.3, options);  // the last of the three tags is the query
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->train_ratings, 27u);  // every rating precedes the split (the query)
  EXPECT_EQ(result->test_tags, 1u);
  const std::vector<ModelResult>* rows = &result->rows;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].spec, "search:plain");
  EXPECT_EQ((*rows)[0].users, 1u);
  EXPECT_NEAR((*rows)[0].metrics.at("ndcg@10"), 1 / std::log2(3.0), 1e-9);  // x1 second
  EXPECT_DOUBLE_EQ((*rows)[1].metrics.at("ndcg@10"), 1.0);                  // x1 first
  Dataset untagged;
  EXPECT_FALSE(ReplayTagSearch(untagged, 0.3, options).ok());
}

}  // namespace
}  // namespace recd
