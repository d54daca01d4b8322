#include "models/item_knn.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

#include "models/counters.h"

namespace recd {
namespace {

InteractionMatrix FromDense(const std::vector<std::vector<float>>& dense) {
  InteractionMatrix m;
  m.num_rows = static_cast<uint32_t>(dense.size());
  m.num_cols = static_cast<uint32_t>(dense.empty() ? 0 : dense[0].size());
  m.row_ptr.push_back(0);
  for (const auto& row : dense) {
    for (uint32_t j = 0; j < row.size(); ++j) {
      if (row[j] != 0) {
        m.cols.push_back(j);
        m.values.push_back(row[j]);
      }
    }
    m.row_ptr.push_back(m.cols.size());
  }
  return m;
}

// The oracle: every pair's shrunk cosine computed directly from the dense matrix.
std::vector<std::vector<Neighbor>> BruteForce(const std::vector<std::vector<float>>& dense, int k, double shrink) {
  size_t items = dense[0].size();
  auto column = [&](size_t j) {
    std::vector<double> c;
    for (const auto& row : dense) c.push_back(row[j]);
    return c;
  };
  std::vector<std::vector<Neighbor>> out(items);
  for (size_t i = 0; i < items; ++i) {
    std::vector<double> ci = column(i);
    std::vector<Neighbor> all;
    for (size_t j = 0; j < items; ++j) {
      if (j == i) continue;
      std::vector<double> cj = column(j);
      double dot = 0, ni = 0, nj = 0;
      for (size_t u = 0; u < ci.size(); ++u) {
        dot += ci[u] * cj[u];
        ni += ci[u] * ci[u];
        nj += cj[u] * cj[u];
      }
      double sim = dot / (std::sqrt(ni) * std::sqrt(nj) + shrink);
      if (sim > 0) all.push_back({static_cast<ItemIdx>(j), static_cast<float>(sim)});
    }
    std::sort(all.begin(), all.end(), [](const Neighbor& a, const Neighbor& b) {
      return a.similarity > b.similarity || (a.similarity == b.similarity && a.item < b.item);
    });
    if (all.size() > static_cast<size_t>(k)) all.resize(k);
    out[i] = all;
  }
  return out;
}

TEST(ItemKnn, MatchesBruteForceOracle) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<std::vector<float>> dense(60, std::vector<float>(40, 0.0f));
  for (auto& row : dense) {
    for (auto& v : row) v = u(rng) < 0.15 ? 1.0f + 3 * u(rng) : 0.0f;
  }
  for (int threads : {1, 2}) {
    ItemKnnModel model = ItemKnnModel::Build(FromDense(dense), {5, 2.0}, threads);
    auto expected = BruteForce(dense, 5, 2.0);
    ASSERT_EQ(model.num_items(), 40u);
    for (ItemIdx i = 0; i < 40; ++i) {
      auto got = model.Neighbors(i);
      ASSERT_EQ(got.size(), expected[i].size()) << "item " << i;
      for (size_t n = 0; n < got.size(); ++n) {
        EXPECT_NEAR(got[n].similarity, expected[i][n].similarity, 1e-5) << "item " << i;
      }
    }
  }
}

TEST(ItemKnn, NeighboursAreCappedAtK) {
  std::vector<std::vector<float>> dense(3, std::vector<float>(10, 1.0f));
  ItemKnnModel model = ItemKnnModel::Build(FromDense(dense), {4, 0.0}, 1);
  for (ItemIdx i = 0; i < 10; ++i) EXPECT_EQ(model.Neighbors(i).size(), 4u);
}

TEST(ItemKnn, ScoresHistoryAndNamesTheStrongestCause) {
  // Items 0-1 are bought together, 2-3 are bought together.
  std::vector<std::vector<float>> dense = {{1, 1, 0, 0}, {1, 1, 0, 0}, {0, 0, 1, 1}, {0, 0, 1, 1}, {1, 0, 0, 1}};
  ItemKnnModel model = ItemKnnModel::Build(FromDense(dense), {10, 0.0}, 1);
  std::vector<Affinity> history = {{0, 1.0f}, {2, 5.0f}};
  auto keep_all = [](ItemIdx) { return true; };
  std::vector<KnnCandidate> got = model.Score(history, 10, keep_all);
  ASSERT_GE(got.size(), 2u);
  EXPECT_EQ(got[0].item, 3u);  // neighbour of the heavily weighted item 2
  EXPECT_EQ(got[0].because, 2u);
  // A filter removes candidates; negative affinity contributes nothing.
  std::vector<KnnCandidate> filtered = model.Score(history, 10, [](ItemIdx i) { return i != 3; });
  for (const auto& c : filtered) EXPECT_NE(c.item, 3u);
  std::vector<Affinity> disliked = {{2, -5.0f}};
  EXPECT_TRUE(model.Score(disliked, 10, keep_all).empty());
}

TEST(ItemKnn, EmptyModelScoresNothing) {
  ItemKnnModel model;
  std::vector<Affinity> history = {{0, 1.0f}};
  EXPECT_TRUE(model.Score(history, 5, [](ItemIdx) { return true; }).empty());
  EXPECT_TRUE(model.Neighbors(3).empty());
}

TEST(DecayedCounter, HalvesAfterOneHalfLife) {
  DecayedCounter c;
  const int64_t hour = 3600 * 1000;
  c.Add(8.0, 0, 1.0);
  EXPECT_NEAR(c.ValueAt(0, 1.0), 8.0, 1e-9);
  EXPECT_NEAR(c.ValueAt(hour, 1.0), 4.0, 1e-9);
  c.Add(4.0, hour, 1.0);
  EXPECT_NEAR(c.ValueAt(hour, 1.0), 8.0, 1e-9);
  EXPECT_NEAR(c.ValueAt(3 * hour, 1.0), 2.0, 1e-9);
  c.Add(-5.0, hour, 1.0);  // negative weights do not count
  EXPECT_NEAR(c.ValueAt(hour, 1.0), 8.0, 1e-9);
}

TEST(DecayedCounter, RankKeyOrdersLikeDecayedValueAtAnyTime) {
  const int64_t day = 24 * 3600 * 1000LL;
  DecayedCounter old_hit, recent;
  for (int i = 0; i < 10; ++i) old_hit.Add(1.0, 1700000000000 + i, 24.0);
  for (int i = 0; i < 3; ++i) recent.Add(1.0, 1700000000000 + 3 * day, 24.0);
  for (int64_t t : {3 * day, 10 * day, 100 * day}) {
    int64_t now = 1700000000000 + t;
    EXPECT_EQ(recent.RankKey() > old_hit.RankKey(), recent.ValueAt(now, 24) > old_hit.ValueAt(now, 24));
  }
}

TEST(Trending, RewardsRecentAttentionOverBaseline) {
  const int64_t hour = 3600 * 1000LL, now = 1700000000000;
  DecayedCounter steady_s, steady_l, spike_s, spike_l;
  for (int h = 0; h < 24 * 7; ++h) {  // one event an hour for a week
    steady_s.Add(1, now - h * hour, 6);
    steady_l.Add(1, now - h * hour, 168);
  }
  for (int i = 0; i < 30; ++i) {  // thirty in the last hour
    spike_s.Add(1, now - i * 60000, 6);
    spike_l.Add(1, now - i * 60000, 168);
  }
  EXPECT_GT(TrendingScore(spike_s, spike_l, now, 6, 168), TrendingScore(steady_s, steady_l, now, 6, 168));
}

}  // namespace
}  // namespace recd
