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

Split TemporalSplitAt(const std::vector<Interaction>& rows, int64_t split_time_ms) {
  Split split;
  for (const Interaction& r : rows) (r.timestamp_ms < split_time_ms ? split.train : split.test).push_back(r);
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

Split StrongGeneralizationSplit(const std::vector<Interaction>& rows, double heldout_fraction,
                                double fold_in_ratio, uint32_t seed) {
  std::vector<std::vector<uint32_t>> groups = GroupRows(rows, /*by_item=*/false);
  std::vector<bool> heldout(groups.size(), false);
  const size_t wanted = static_cast<size_t>(std::nearbyint(heldout_fraction * static_cast<double>(groups.size())));
  size_t chosen = 0;
  for (uint32_t u : NumpyPermutation(static_cast<uint32_t>(groups.size()), seed)) {
    if (chosen >= wanted) break;
    if (groups[u].size() >= 2) {
      heldout[u] = true;
      ++chosen;
    }
  }
  Split split;
  for (uint32_t u = 0; u < groups.size(); ++u) {
    const std::vector<uint32_t>& group = groups[u];
    if (!heldout[u]) {
      for (uint32_t i : group) split.train.push_back(rows[i]);
      continue;
    }
    std::vector<uint32_t> perm = NumpyPermutation(static_cast<uint32_t>(group.size()), seed);
    const size_t n_fold_in = static_cast<size_t>(std::nearbyint(fold_in_ratio * static_cast<double>(group.size())));
    for (size_t k = 0; k < perm.size(); ++k) {
      (k < n_fold_in ? split.fold_in : split.test).push_back(rows[group[perm[k]]]);
    }
  }
  return split;
}

Split ColdItemSplit(const std::vector<Interaction>& rows, size_t num_items, double cold_fraction, uint32_t seed) {
  std::vector<bool> cold(num_items, false);
  const size_t n_cold = static_cast<size_t>(std::nearbyint(cold_fraction * static_cast<double>(num_items)));
  std::vector<uint32_t> perm = NumpyPermutation(static_cast<uint32_t>(num_items), seed);
  Split split;
  for (size_t k = 0; k < n_cold; ++k) {
    cold[perm[k]] = true;
    split.candidates.push_back(perm[k]);
  }
  std::sort(split.candidates.begin(), split.candidates.end());
  for (const Interaction& r : rows) (cold[r.item] ? split.test : split.train).push_back(r);
  return split;
}

Split ColdUserSplit(const std::vector<Interaction>& rows, size_t num_users, double cold_fraction, uint32_t seed) {
  std::vector<bool> cold(num_users, false);
  const size_t n_cold = static_cast<size_t>(std::nearbyint(cold_fraction * static_cast<double>(num_users)));
  std::vector<uint32_t> perm = NumpyPermutation(static_cast<uint32_t>(num_users), seed);
  for (size_t k = 0; k < n_cold; ++k) cold[perm[k]] = true;
  Split split;
  split.cold_users = true;
  for (const Interaction& r : rows) (cold[r.user] ? split.test : split.train).push_back(r);
  return split;
}

SessionSplit SessionRecSplit(const Dataset& dataset, int test_days, int64_t session_gap_ms,
                             int min_session_length, int min_item_support) {
  // Sessions in time order (stable: ties keep file order).
  std::vector<std::vector<uint32_t>> by_key = GroupRows(dataset.interactions, /*by_item=*/false);
  const auto& rows = dataset.interactions;
  std::vector<std::vector<Interaction>> sessions;
  SessionSplit split;
  for (std::vector<uint32_t>& group : by_key) {
    std::stable_sort(group.begin(), group.end(),
                     [&](uint32_t a, uint32_t b) { return rows[a].timestamp_ms < rows[b].timestamp_ms; });
    for (size_t k = 0; k < group.size(); ++k) {
      const Interaction& r = rows[group[k]];
      const bool new_session = k == 0 || (!dataset.sessions && r.timestamp_ms - rows[group[k - 1]].timestamp_ms > session_gap_ms);
      if (new_session) {
        sessions.emplace_back();
        const std::string& key = dataset.users.Key(r.user);
        split.session_keys.push_back(dataset.sessions ? key : key + "#" + std::to_string(k));
      }
      sessions.back().push_back(r);
    }
  }
  for (uint32_t s = 0; s < sessions.size(); ++s) {
    for (Interaction& r : sessions[s]) r.user = s;
  }
  // Filters, one pass each.
  auto drop_short = [&] {
    for (auto& s : sessions) {
      if (s.size() < static_cast<size_t>(min_session_length)) s.clear();
    }
  };
  drop_short();
  std::vector<size_t> item_count(dataset.items.size(), 0);
  for (const auto& s : sessions) {
    for (const Interaction& r : s) ++item_count[r.item];
  }
  for (auto& s : sessions) {
    std::erase_if(s, [&](const Interaction& r) { return item_count[r.item] < static_cast<size_t>(min_item_support); });
  }
  drop_short();

  int64_t latest = 0;
  for (const auto& s : sessions) {
    split.filtered_events += s.size();
    if (!s.empty()) latest = std::max(latest, s.back().timestamp_ms);
  }
  const int64_t cut = latest - static_cast<int64_t>(test_days) * 24 * 3600 * 1000;
  std::vector<bool> in_train(dataset.items.size(), false);
  std::vector<const std::vector<Interaction>*> test;
  for (const auto& s : sessions) {
    if (s.empty()) continue;
    if (s.back().timestamp_ms < cut) {
      for (const Interaction& r : s) {
        split.train.push_back(r);
        in_train[r.item] = true;
      }
    } else {
      test.push_back(&s);
    }
  }
  std::stable_sort(test.begin(), test.end(), [](const auto* a, const auto* b) {
    return a->front().timestamp_ms < b->front().timestamp_ms;
  });
  for (const auto* s : test) {
    std::vector<Interaction> kept;
    for (const Interaction& r : *s) {
      if (in_train[r.item]) kept.push_back(r);
    }
    if (kept.size() >= 2) split.test_sessions.push_back(std::move(kept));
  }
  return split;
}

}  // namespace recd
