// TopK: keeps the k highest-scoring entries seen, with a bounded min-heap.
// Ties are broken by the smaller index so results are deterministic.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace recd {

struct Scored {
  uint32_t idx;
  double score;
};

inline bool BetterThan(const Scored& a, const Scored& b) {
  return a.score > b.score || (a.score == b.score && a.idx < b.idx);
}

class TopK {
 public:
  explicit TopK(size_t k) : k_(k) { heap_.reserve(k + 1); }

  void Push(uint32_t idx, double score) {
    if (k_ == 0) return;
    Scored s{idx, score};
    if (heap_.size() < k_) {
      heap_.push_back(s);
      std::push_heap(heap_.begin(), heap_.end(), BetterThan);
    } else if (BetterThan(s, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), BetterThan);
      heap_.back() = s;
      std::push_heap(heap_.begin(), heap_.end(), BetterThan);
    }
  }

  // Best first. Leaves the TopK empty.
  std::vector<Scored> Take() {
    std::sort(heap_.begin(), heap_.end(), BetterThan);
    return std::move(heap_);
  }

 private:
  size_t k_;
  std::vector<Scored> heap_;  // min-heap under BetterThan: front is the worst kept
};

}  // namespace recd
