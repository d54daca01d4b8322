// Item-to-item collaborative filtering.
//
// After Sarwar et al., "Item-based collaborative filtering recommendation algorithms" (WWW 2001),
// Linden, Smith & York, "Amazon.com recommendations: item-to-item collaborative filtering" (IEEE
// Internet Computing 2003), Deshpande & Karypis, "Item-based top-N recommendation algorithms"
// (TOIS 2004) and Aiolli, "Efficient top-N recommendation for very large scale binary rated
// datasets" (RecSys 2013). Over the weighted shopper x item matrix W (data/interactions.h), with
// columns W_i, c_ij the number of shoppers who had both items and c_i those who had i:
//
//   cosine       <W_i, W_j> / (|W_i| |W_j| + shrink)
//   asymmetric   <W_i, W_j> / (|W_i|^(2 alpha) |W_j|^(2 (1 - alpha)) + shrink)   (alpha=0.5: cosine)
//   jaccard      c_ij / (c_i + c_j - c_ij + shrink)
//   conditional  c_ij / (c_i · c_j^alpha + shrink)     (P(j | i) damped by j's popularity)
//
// Parameters (spec string "itemknn(k=200,sim=cosine,shrink=0,alpha=0.5,weighting=none)"):
//   k          neighbours kept per item at build time; bounds the work of every request.
//   sim        one of the similarities above.
//   shrink     pulls the similarity of rarely seen pairs towards 0 (a pair seen by one shopper
//              would otherwise have cosine 1).
//   alpha      the exponent of asymmetric cosine and conditional probability.
//   weighting  none, tfidf (each cell times log(shoppers / shoppers with the item)) or bm25
//              (Okapi BM25 with k1=1.2, b=0.75 over shoppers as documents), applied to W first.
//
// A shopper's live history is scored at request time against the table: an item j gets
// sum over history items h of affinity(h) * sim(h, j), so a new event counts at once.
//
// Thread safety: a built model is immutable; any number of threads may read it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/ids.h"
#include "data/interactions.h"

namespace recd {

enum class KnnSimilarity { kCosine, kAsymmetric, kJaccard, kConditional };
enum class KnnWeighting { kNone, kTfIdf, kBm25 };

// Defaults are the spec's (itemknn = itemknn(k=200,sim=cosine,shrink=0)); the serving engine sets
// its own from models.itemknn.* in the configuration.
struct ItemKnnParams {
  int k = 200;
  double shrink = 0.0;
  KnnSimilarity sim = KnnSimilarity::kCosine;
  double alpha = 0.5;
  KnnWeighting weighting = KnnWeighting::kNone;
  std::string Spec() const;
};

struct Neighbor {
  ItemIdx item;
  float similarity;
};

// One entry of a shopper's weighted live history.
struct Affinity {
  ItemIdx item;
  float weight;
};

// A scored candidate with the history item that contributed most to it.
struct KnnCandidate {
  ItemIdx item;
  float score;
  ItemIdx because;  // the history item with the largest contribution
};

class ItemKnnModel {
 public:
  ItemKnnModel() = default;

  // Builds the neighbour table from a shopper x item matrix, using up to `threads` threads.
  static ItemKnnModel Build(const InteractionMatrix& shopper_items, const ItemKnnParams& params,
                            int threads);

  std::span<const Neighbor> Neighbors(ItemIdx item) const {
    if (item + 1 >= offsets_.size()) return {};
    return {neighbors_.data() + offsets_[item], neighbors_.data() + offsets_[item + 1]};
  }

  // Scores the items similar to the positive-affinity history items and calls
  // keep(item) to drop those a filter rejects; returns the best `n` best first.
  template <typename Keep>
  std::vector<KnnCandidate> Score(std::span<const Affinity> history, size_t n, Keep&& keep) const;

  const ItemKnnParams& params() const { return params_; }
  size_t num_items() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  size_t num_pairs() const { return neighbors_.size(); }

  // Raw table access for serialization and tests.
  const std::vector<uint64_t>& offsets() const { return offsets_; }
  const std::vector<Neighbor>& neighbors() const { return neighbors_; }
  static ItemKnnModel FromTable(ItemKnnParams params, std::vector<uint64_t> offsets,
                                std::vector<Neighbor> neighbors);

 private:
  // Per-thread dense accumulators reused across requests (sized to the item count): the request
  // path touches only the entries it writes and resets them after.
  struct Accumulator {  // one cache-line neighbourhood per item
    float score = 0.0f;
    float best_contribution = 0.0f;
    ItemIdx because = kNoIdx;
  };
  struct Scratch {
    std::vector<Accumulator> acc;
    std::vector<ItemIdx> touched;  // sized like acc: an item is touched at most once
    std::vector<KnnCandidate> candidates;
  };
  static Scratch& ThreadScratch(size_t num_items);

  ItemKnnParams params_;
  std::vector<uint64_t> offsets_;   // num_items + 1
  std::vector<Neighbor> neighbors_;  // sorted by similarity within each item
};

template <typename Keep>
std::vector<KnnCandidate> ItemKnnModel::Score(std::span<const Affinity> history, size_t n,
                                              Keep&& keep) const {
  Scratch& s = ThreadScratch(num_items());
  // Raw pointers: the compiler need not reload the vectors' buffers on every store.
  Accumulator* const acc = s.acc.data();
  ItemIdx* const touched = s.touched.data();
  size_t num_touched = 0;
  for (const Affinity& a : history) {
    if (a.weight <= 0) continue;
    for (const Neighbor& nb : Neighbors(a.item)) {
      // Branch-free: whether an item is new, or a better cause, is unpredictable.
      const float contribution = a.weight * nb.similarity;
      Accumulator& x = acc[nb.item];
      touched[num_touched] = nb.item;
      num_touched += x.score == 0.0f;
      x.score += contribution;
      const bool stronger = contribution > x.best_contribution;
      x.best_contribution = stronger ? contribution : x.best_contribution;
      x.because = stronger ? a.item : x.because;
    }
  }
  // Select the best 2n (+8) candidates in one pass with a small heap, then apply the filter
  // best first; only when the filter rejects too many of them is the full list ranked. So a
  // request pays ~1 comparison per touched item and calls `keep` on about n of them.
  std::vector<KnnCandidate>& all = s.candidates;
  all.clear();
  for (size_t t = 0; t < num_touched; ++t) {
    Accumulator& x = acc[touched[t]];
    all.push_back({touched[t], x.score, x.because});
    x = Accumulator();
  }
  auto better = [](const KnnCandidate& a, const KnnCandidate& b) {
    return a.score > b.score || (a.score == b.score && a.item < b.item);
  };
  std::vector<KnnCandidate> out;
  out.reserve(n);
  const size_t shortlist = std::min(all.size(), 2 * n + 8);
  std::partial_sort(all.begin(), all.begin() + shortlist, all.end(), better);
  size_t next = 0;
  for (; next < shortlist && out.size() < n; ++next) {
    if (keep(all[next].item)) out.push_back(all[next]);
  }
  if (out.size() < n && next < all.size()) {
    std::sort(all.begin() + next, all.end(), better);
    for (; next < all.size() && out.size() < n; ++next) {
      if (keep(all[next].item)) out.push_back(all[next]);
    }
  }
  return out;
}

}  // namespace recd
