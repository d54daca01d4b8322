// Every expected value here was computed by hand from the definitions in docs/evaluation.md.
#include "eval/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "data/split.h"

namespace recd {
namespace {

TEST(Metrics, HandComputedList) {
  // Relevant {2, 5, 9}; ranked 7, 2, 4, 5, 8: hits at ranks 2 and 4.
  const std::vector<ItemIdx> ranked = {7, 2, 4, 5, 8}, relevant = {2, 5, 9};
  ListMetrics m = ScoreList(ranked, relevant, 5);
  EXPECT_DOUBLE_EQ(m.hit, 1.0);
  EXPECT_DOUBLE_EQ(m.precision, 2.0 / 5);
  EXPECT_DOUBLE_EQ(m.recall, 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.mrr, 1.0 / 2);
  // MAP: (1/2 + 2/4) / 3 with |relevant| = 3.
  EXPECT_DOUBLE_EQ(m.map, (0.5 + 0.5) / 3);
  // nDCG: (1/log2(3) + 1/log2(5)) / (1 + 1/log2(3) + 1/log2(4)).
  EXPECT_NEAR(m.ndcg, (1 / std::log2(3.0) + 1 / std::log2(5.0)) / (1 + 1 / std::log2(3.0) + 0.5), 1e-12);
}

TEST(Metrics, CutOffAndNormalisations) {
  const std::vector<ItemIdx> ranked = {7, 2, 4, 5, 8}, relevant = {2, 5, 9};
  ListMetrics at2 = ScoreList(ranked, relevant, 2);
  EXPECT_DOUBLE_EQ(at2.precision, 1.0 / 2);
  EXPECT_DOUBLE_EQ(at2.recall, 1.0 / 3);
  EXPECT_DOUBLE_EQ(at2.map, 0.5 / 3);
  EXPECT_DOUBLE_EQ(ScoreList(ranked, relevant, 2, MapNormalization::kMinRelevantK).map, 0.5 / 2);
  EXPECT_DOUBLE_EQ(ScoreList(ranked, relevant, 2, MapNormalization::kRelevant, RecallNormalization::kMinRelevantK).recall,
                   1.0 / 2);
  // Ideal DCG over min(|relevant|, k) = 2 items.
  EXPECT_NEAR(at2.ndcg, (1 / std::log2(3.0)) / (1 + 1 / std::log2(3.0)), 1e-12);
  // A short list is still divided by k.
  const std::vector<ItemIdx> shorter = {2};
  EXPECT_DOUBLE_EQ(ScoreList(shorter, relevant, 10).precision, 0.1);
}

TEST(Metrics, NoHitScoresZero) {
  const std::vector<ItemIdx> ranked = {1, 3}, relevant = {2};
  ListMetrics m = ScoreList(ranked, relevant, 10);
  EXPECT_EQ(m.hit, 0);
  EXPECT_EQ(m.ndcg, 0);
  EXPECT_EQ(m.mrr, 0);
  EXPECT_EQ(m.map, 0);
}

TEST(Metrics, PerfectListScoresOne) {
  const std::vector<ItemIdx> ranked = {4, 1, 3}, relevant = {1, 3, 4};
  ListMetrics m = ScoreList(ranked, relevant, 3);
  EXPECT_DOUBLE_EQ(m.ndcg, 1.0);
  EXPECT_DOUBLE_EQ(m.map, 1.0);
  EXPECT_DOUBLE_EQ(m.recall, 1.0);
}

TEST(BeyondAccuracy, HandComputed) {
  CatalogStats stats;
  stats.item_categories = {{0}, {0, 1}, {2}, {}};
  stats.item_users = {4, 2, 1, 1};
  stats.num_users = 4;
  stats.num_items = 4;
  BeyondAccuracy b(stats);
  const std::vector<ItemIdx> a = {0, 1}, c = {0, 2};
  b.Add(a);
  b.Add(c);
  EXPECT_DOUBLE_EQ(b.Coverage(), 3.0 / 4);
  // List a: 1 - |{0}|/|{0,1}| = 0.5; list c: disjoint categories = 1.
  EXPECT_DOUBLE_EQ(b.IntraListDiversity(), (0.5 + 1.0) / 2);
  // Self-information: item0 -log2(1) = 0, item1 -log2(1/2) = 1, item2 -log2(1/4) = 2.
  EXPECT_DOUBLE_EQ(b.Novelty(), (0 + 1 + 0 + 2) / 4.0);
  EXPECT_DOUBLE_EQ(b.AveragePopularity(), ((4 + 2) / 2.0 + (4 + 1) / 2.0) / 2);
}

TEST(Split, NumpyPermutationMatchesNumpy) {
  // np.random.RandomState(42).permutation(10), (7), and RandomState(7).permutation(300)[:8].
  EXPECT_EQ(NumpyPermutation(10, 42), (std::vector<uint32_t>{8, 1, 5, 0, 7, 2, 9, 4, 3, 6}));
  EXPECT_EQ(NumpyPermutation(7, 42), (std::vector<uint32_t>{0, 1, 5, 2, 4, 3, 6}));
  std::vector<uint32_t> long_perm = NumpyPermutation(300, 7);
  EXPECT_EQ(std::vector<uint32_t>(long_perm.begin(), long_perm.begin() + 8),
            (std::vector<uint32_t>{254, 57, 150, 66, 114, 280, 204, 249}));
}

TEST(Split, StratifiedRoundsHalvesToEven) {
  // Users with 2, 6 and 5 interactions: round(1.5) = 2, round(4.5) = 4, round(3.75) = 4.
  std::vector<Interaction> rows;
  for (uint32_t user : {0u, 0u, 1u, 1u, 1u, 1u, 1u, 1u, 2u, 2u, 2u, 2u, 2u}) {
    rows.push_back({user, static_cast<ItemIdx>(rows.size()), 1.0f, 0});
  }
  Split split = StratifiedSplit(rows, 0.75, 42, false);
  std::vector<int> train(3), test(3);
  for (const auto& r : split.train) ++train[r.user];
  for (const auto& r : split.test) ++test[r.user];
  EXPECT_EQ(train, (std::vector<int>{2, 4, 4}));
  EXPECT_EQ(test, (std::vector<int>{0, 2, 1}));
  // User 1's rows 2..7 permuted by RandomState(42).permutation(6); the first four train.
  std::vector<uint32_t> perm = NumpyPermutation(6, 42);
  std::vector<ItemIdx> expected_train, got_train;
  for (int k = 0; k < 4; ++k) expected_train.push_back(2 + perm[k]);
  for (const auto& r : split.train) {
    if (r.user == 1) got_train.push_back(r.item);
  }
  EXPECT_EQ(got_train, expected_train);
}

TEST(Split, LeaveLastOutAndTemporal) {
  std::vector<Interaction> rows = {{0, 0, 1, 30}, {0, 1, 1, 10}, {0, 2, 1, 20}, {1, 3, 1, 5}, {2, 4, 1, 7}, {2, 5, 1, 7}};
  Split llo = LeaveLastOut(rows);
  ASSERT_EQ(llo.test.size(), 2u);  // user 1 has one interaction: nothing held out
  EXPECT_EQ(llo.test[0].item, 0u);
  EXPECT_EQ(llo.test[1].item, 5u);  // a tie goes to the later row
  Split at = TemporalSplitAt(rows, 20);
  EXPECT_EQ(at.test.size(), 2u);  // times 30 and 20
  Split temporal = TemporalSplit(rows, 0.5);
  ASSERT_EQ(temporal.test.size(), 3u);
  for (const auto& r : temporal.test) EXPECT_GE(r.timestamp_ms, 10);
}

}  // namespace
}  // namespace recd

namespace recd {
namespace {

TEST(Split, StrongGeneralizationHoldsOutWholeUsers) {
  std::vector<Interaction> rows;
  for (uint32_t u = 0; u < 10; ++u) {
    for (ItemIdx i = 0; i < 10; ++i) rows.push_back({u, i, 1.0f, 0});
  }
  Split split = StrongGeneralizationSplit(rows, 0.2, 0.8, 42);
  std::set<uint32_t> train_users, heldout_users;
  for (const auto& r : split.train) train_users.insert(r.user);
  for (const auto& r : split.fold_in) heldout_users.insert(r.user);
  for (const auto& r : split.test) EXPECT_TRUE(heldout_users.count(r.user));
  EXPECT_EQ(heldout_users.size(), 2u);
  for (uint32_t u : heldout_users) EXPECT_FALSE(train_users.count(u));
  EXPECT_EQ(split.fold_in.size(), 16u);  // 8 of 10 per held-out user
  EXPECT_EQ(split.test.size(), 4u);
  EXPECT_EQ(split.train.size(), 80u);
}

TEST(Split, SessionRecFiltersAndCutsByTime) {
  Dataset ds;
  bool inserted = false;
  for (int i = 0; i < 4; ++i) ds.items.Intern("i" + std::to_string(i), &inserted);
  ds.sessions = true;
  const int64_t day = 24 * 3600 * 1000LL;
  uint32_t s = 0;
  auto session = [&](int64_t start, std::vector<ItemIdx> items) {
    ds.users.Intern("s" + std::to_string(s), &inserted);
    for (size_t k = 0; k < items.size(); ++k) ds.interactions.push_back({s, items[k], 1.0f, start + static_cast<int64_t>(k) * 1000});
    ++s;
  };
  for (int k = 0; k < 5; ++k) session(k * day, {0, 1});  // items 0 and 1 have 5+ events
  session(2 * day, {2});                                  // a single-event session: dropped
  session(20 * day, {0, 1, 3});                           // test; item 3 is too rare and goes
  session(21 * day, {1, 0});                              // test
  SessionSplit split = SessionRecSplit(ds, 7, 30 * 60 * 1000);
  EXPECT_EQ(split.train.size(), 10u);
  ASSERT_EQ(split.test_sessions.size(), 2u);
  EXPECT_EQ(split.test_sessions[0].size(), 2u);
  EXPECT_EQ(split.filtered_events, 14u);
}

}  // namespace
}  // namespace recd
