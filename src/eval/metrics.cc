#include "eval/metrics.h"

#include <algorithm>
#include <cmath>

namespace recd {

ListMetrics ScoreList(std::span<const ItemIdx> ranked, std::span<const ItemIdx> relevant, size_t k,
                      MapNormalization map_norm, RecallNormalization recall_norm) {
  ListMetrics m;
  if (relevant.empty() || k == 0) return m;
  const size_t depth = std::min(k, ranked.size());
  size_t hits = 0;
  double dcg = 0, precision_sum = 0;
  for (size_t r = 0; r < depth; ++r) {
    if (!std::binary_search(relevant.begin(), relevant.end(), ranked[r])) continue;
    ++hits;
    const double rank = static_cast<double>(r + 1);
    dcg += 1.0 / std::log2(rank + 1.0);
    precision_sum += static_cast<double>(hits) / rank;
    if (hits == 1) m.mrr = 1.0 / rank;
  }
  double idcg = 0;
  for (size_t r = 0; r < std::min(k, relevant.size()); ++r) idcg += 1.0 / std::log2(static_cast<double>(r) + 2.0);
  m.hit = hits > 0 ? 1.0 : 0.0;
  m.precision = static_cast<double>(hits) / static_cast<double>(k);
  m.recall = static_cast<double>(hits) /
             static_cast<double>(recall_norm == RecallNormalization::kRelevant ? relevant.size()
                                                                               : std::min(relevant.size(), k));
  m.ndcg = dcg / idcg;
  const double map_denominator = map_norm == MapNormalization::kRelevant
                                     ? static_cast<double>(relevant.size())
                                     : static_cast<double>(std::min(relevant.size(), k));
  m.map = precision_sum / map_denominator;
  return m;
}

void BeyondAccuracy::Add(std::span<const ItemIdx> top_k) {
  ++lists_;
  double popularity = 0;
  for (ItemIdx i : top_k) {
    if (!seen_[i]) {
      seen_[i] = true;
      ++distinct_;
    }
    const double users = stats_.item_users[i];
    popularity += users;
    if (users > 0 && stats_.num_users > 0) {
      novelty_sum_ += -std::log2(users / stats_.num_users);
      ++items_;
    }
  }
  if (!top_k.empty()) popularity_sum_ += popularity / static_cast<double>(top_k.size());
  if (top_k.size() < 2) return;
  double distance = 0;
  size_t pairs = 0;
  for (size_t a = 0; a < top_k.size(); ++a) {
    const auto& ca = stats_.item_categories[top_k[a]];
    for (size_t b = a + 1; b < top_k.size(); ++b) {
      const auto& cb = stats_.item_categories[top_k[b]];
      size_t common = 0;
      for (uint32_t c : ca) common += std::binary_search(cb.begin(), cb.end(), c);
      const size_t united = ca.size() + cb.size() - common;
      distance += united == 0 ? 0.0 : 1.0 - static_cast<double>(common) / static_cast<double>(united);
      ++pairs;
    }
  }
  diversity_sum_ += distance / static_cast<double>(pairs);
  ++lists_with_pairs_;
}

double BeyondAccuracy::Coverage() const {
  return stats_.num_items > 0 ? static_cast<double>(distinct_) / stats_.num_items : 0;
}

}  // namespace recd
