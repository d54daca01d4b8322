#include "data/split.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace recd {

namespace {

// numpy/random/src/distributions: random_interval for max <= 0xffffffff.
uint32_t RandomInterval(std::mt19937& mt, uint32_t max) {
  if (max == 0) return 0;
  uint32_t mask = max;
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  uint32_t value;
  while ((value = static_cast<uint32_t>(mt()) & mask) > max) {
  }
  return value;
}

// Row indices grouped by key, groups in key order, rows in file order within a group.
std::vector<std::vector<uint32_t>> GroupRows(const std::vector<Interaction>& rows, bool by_item) {
  uint32_t groups = 0;
  for (const Interaction& r : rows) groups = std::max(groups, (by_item ? r.item : r.user) + 1);
  std::vector<std::vector<uint32_t>> out(groups);
  for (uint32_t i = 0; i < rows.size(); ++i) out[by_item ? rows[i].item : rows[i].user].push_back(i);
  return out;
}

}  // namespace

std::vector<uint32_t> NumpyPermutation(uint32_t n, uint32_t seed) {
  std::mt19937 mt(seed);  // init_genrand, as RandomState(int) seeds MT19937
  std::vector<uint32_t> a(n);
  std::iota(a.begin(), a.end(), 0u);
  for (uint32_t i = n; i-- > 1;) std::swap(a[i], a[RandomInterval(mt, i)]);
  return a;
}

Split StratifiedSplit(const std::vector<Interaction>& rows, double ratio, uint32_t seed, bool by_item) {
  Split split;
  // pandas iterates groups in key order; group order changes only the order of the output rows,
  // not which rows land where, so groups are visited by interned index.
  for (const std::vector<uint32_t>& group : GroupRows(rows, by_item)) {
    if (group.empty()) continue;
    std::vector<uint32_t> perm = NumpyPermutation(static_cast<uint32_t>(group.size()), seed);
    const size_t n_train = static_cast<size_t>(std::nearbyint(ratio * static_cast<double>(group.size())));
    for (size_t k = 0; k < perm.size(); ++k) {
      (k < n_train ? split.train : split.test).push_back(rows[group[perm[k]]]);
    }
  }
  return split;
}

Split TemporalSplit(const std::vector<Interaction>& rows, double test_fraction) {
  std::vector<uint32_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return rows[a].timestamp_ms < rows[b].timestamp_ms; });
  const size_t n_test = static_cast<size_t>(std::nearbyint(test_fraction * static_cast<double>(rows.size())));
  Split split;
  for (size_t k = 0; k < order.size(); ++k) {
    (k + n_test < order.size() ? split.train : split.test).push_back(rows[order[k]]);
  }
  return split;
}

Split LeaveLastOut(const std::vector<Interaction>& rows) {
  Split split;
  for (const std::vector<uint32_t>& group : GroupRows(rows, /*by_item=*/false)) {
    if (group.empty()) continue;
    uint32_t last = group[0];
    for (uint32_t i : group) {
      if (rows[i].timestamp_ms >= rows[last].timestamp_ms) last = i;
    }
    for (uint32_t i : group) {
      (i == last && group.size() >= 2 ? split.test : split.train).push_back(rows[i]);
    }
  }
  return split;
}

}  // namespace recd
