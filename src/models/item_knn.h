// Item-to-item collaborative filtering with shrunk cosine similarity.
//
// After Sarwar et al., "Item-based collaborative filtering recommendation algorithms" (WWW 2001)
// and Linden, Smith & York, "Amazon.com recommendations: item-to-item collaborative filtering"
// (IEEE Internet Computing 2003). Similarity of items i and j over the weighted shopper-item
// matrix W (data/interactions.h):
//
//     sim(i, j) = <W_i, W_j> / (|W_i| |W_j| + shrink)
//
// Parameters (spec string "itemknn(k=50,shrink=10)"):
//   k       neighbours kept per item at build time; bounds the work of every request.
//   shrink  pulls the similarity of rarely seen items towards 0 (a pair seen by one shopper
//           would otherwise have cosine 1).
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

struct ItemKnnParams {
  int k = 50;
  double shrink = 10.0;
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
  struct Scratch {
    std::vector<float> score;
    std::vector<float> best_contribution;
    std::vector<ItemIdx> because;
    std::vector<ItemIdx> touched;
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
  for (const Affinity& a : history) {
    if (a.weight <= 0) continue;
    for (const Neighbor& nb : Neighbors(a.item)) {
      float contribution = a.weight * nb.similarity;
      if (s.score[nb.item] == 0.0f) s.touched.push_back(nb.item);
      s.score[nb.item] += contribution;
      if (contribution > s.best_contribution[nb.item]) {
        s.best_contribution[nb.item] = contribution;
        s.because[nb.item] = a.item;
      }
    }
  }
  std::vector<KnnCandidate> out;
  out.reserve(s.touched.size());
  for (ItemIdx item : s.touched) {
    if (s.score[item] > 0 && keep(item)) out.push_back({item, s.score[item], s.because[item]});
    s.score[item] = 0;
    s.best_contribution[item] = 0;
  }
  s.touched.clear();
  auto better = [](const KnnCandidate& a, const KnnCandidate& b) {
    return a.score > b.score || (a.score == b.score && a.item < b.item);
  };
  if (out.size() > n) {
    std::partial_sort(out.begin(), out.begin() + n, out.end(), better);
    out.resize(n);
  } else {
    std::sort(out.begin(), out.end(), better);
  }
  return out;
}

}  // namespace recd
