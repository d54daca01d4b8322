// Train/test splits of interactions for offline evaluation (docs/evaluation.md says exactly
// what each one holds out).
#pragma once

#include <cstdint>
#include <vector>

#include "data/dataset.h"

namespace recd {

struct Split {
  std::vector<Interaction> train;
  std::vector<Interaction> test;
};

// Microsoft Recommenders' python_stratified_split (min_rating=1): the interactions of each user
// (or each item, with by_item), in file order, are permuted with a fresh NumPy
// RandomState(seed).permutation and the first round(ratio * n) go to train (Python's round:
// halves to even). The permutation is NumPy's legacy MT19937 stream reproduced exactly.
Split StratifiedSplit(const std::vector<Interaction>& rows, double ratio, uint32_t seed, bool by_item);

// Global temporal split: interactions ordered by time (ties in file order); the last
// `test_fraction` of them are the test set.
Split TemporalSplit(const std::vector<Interaction>& rows, double test_fraction);

// Leave-last-out: each user's latest interaction (ties: the later in the file) is the test set,
// for users with at least two interactions; everything else is train.
Split LeaveLastOut(const std::vector<Interaction>& rows);

// NumPy's RandomState(seed).permutation(n) (legacy MT19937 seeding, rejection sampling by mask).
std::vector<uint32_t> NumpyPermutation(uint32_t n, uint32_t seed);

}  // namespace recd
