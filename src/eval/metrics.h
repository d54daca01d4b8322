// Offline ranking metrics. Definitions follow Microsoft Recommenders' python_evaluation
// (docs/evaluation.md gives each formula): relevance is binary, a user with no hit scores 0,
// averages are over every evaluated user.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "core/ids.h"

namespace recd {

// How MAP@k divides the sum of precisions at each hit.
enum class MapNormalization {
  kRelevant,      // by |relevant| (Microsoft Recommenders)
  kMinRelevantK,  // by min(|relevant|, k) (e.g. RecBole, implicit)
};

// How Recall@k divides the hits.
enum class RecallNormalization {
  kRelevant,      // by |relevant| (Microsoft Recommenders)
  kMinRelevantK,  // by min(|relevant|, k) (Liang et al. 2018's normalised recall)
};

struct ListMetrics {
  double hit = 0;        // 1 if any relevant item is in the top k
  double precision = 0;  // hits / k
  double recall = 0;     // hits / |relevant|
  double ndcg = 0;       // binary gains, log2 discount, ideal over min(|relevant|, k) items
  double mrr = 0;        // 1 / rank of the first hit
  double map = 0;        // sum over hits of (hits so far / rank), normalised as chosen
};

// Metrics of one ranked list (best first; may be shorter than k) against one user's relevant
// items (sorted, unique, non-empty) at cut-off k.
ListMetrics ScoreList(std::span<const ItemIdx> ranked, std::span<const ItemIdx> relevant, size_t k,
                      MapNormalization map_norm = MapNormalization::kRelevant,
                      RecallNormalization recall_norm = RecallNormalization::kRelevant);

// Beyond accuracy, over all users' top-k lists.
struct CatalogStats {
  std::vector<std::vector<uint32_t>> item_categories;  // by item; sorted category ids
  std::vector<double> item_users;                      // by item: training users who had it
  double num_users = 0;                                // training users
  double num_items = 0;                                // items that can be recommended
};

// Accumulates coverage, intra-list diversity, novelty and average popularity over lists.
class BeyondAccuracy {
 public:
  explicit BeyondAccuracy(const CatalogStats& stats) : stats_(stats), seen_(stats.item_users.size(), false) {}
  void Add(std::span<const ItemIdx> top_k);
  // Share of recommendable items that appear in at least one list.
  double Coverage() const;
  // Mean over lists of the mean pairwise category distance 1 - Jaccard(categories of i, of j);
  // two items without categories are at distance 0.
  double IntraListDiversity() const { return lists_with_pairs_ ? diversity_sum_ / lists_with_pairs_ : 0; }
  // Mean self-information -log2(users who had the item / users) of recommended items.
  double Novelty() const { return items_ ? novelty_sum_ / items_ : 0; }
  // Mean over lists of the mean number of training users of their items.
  double AveragePopularity() const { return lists_ ? popularity_sum_ / lists_ : 0; }

 private:
  const CatalogStats& stats_;
  std::vector<bool> seen_;
  size_t distinct_ = 0, lists_ = 0, lists_with_pairs_ = 0, items_ = 0;
  double diversity_sum_ = 0, novelty_sum_ = 0, popularity_sum_ = 0;
};

}  // namespace recd
