// Train/test splits of interactions for offline evaluation (docs/evaluation.md says exactly
// what each one holds out).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace recd {

struct Split {
  std::vector<Interaction> train;
  std::vector<Interaction> test;
  // Strong generalization only: held-out users' interactions given to the model at prediction
  // time as their history, never trained on.
  std::vector<Interaction> fold_in;
  // Cold-item protocol only: the items that may be recommended (empty: every training item).
  std::vector<ItemIdx> candidates;
  // Cold-user protocol: test users are asked with no history at all (only their attributes).
  bool cold_users = false;
};

// Sessions for the session-based protocol, each in time order.
struct SessionSplit {
  std::vector<Interaction> train;                       // `user` is the session
  std::vector<std::vector<Interaction>> test_sessions;  // ordered by their first event
  std::vector<std::string> session_keys;                // by session index: the dataset's key,
                                                        // or "user#n" for sessions cut by time
  size_t filtered_events = 0;                           // after the filters, before the split
};

// Microsoft Recommenders' python_stratified_split (min_rating=1): the interactions of each user
// (or each item, with by_item), in file order, are permuted with a fresh NumPy
// RandomState(seed).permutation and the first round(ratio * n) go to train (Python's round:
// halves to even). The permutation is NumPy's legacy MT19937 stream reproduced exactly.
Split StratifiedSplit(const std::vector<Interaction>& rows, double ratio, uint32_t seed, bool by_item);

// Global temporal split: interactions ordered by time (ties in file order); the last
// `test_fraction` of them are the test set.
Split TemporalSplit(const std::vector<Interaction>& rows, double test_fraction);
// Global temporal split at a time: interactions at or after `split_time_ms` are the test set.
Split TemporalSplitAt(const std::vector<Interaction>& rows, int64_t split_time_ms);

// Leave-last-out: each user's latest interaction (ties: the later in the file) is the test set,
// for users with at least two interactions; everything else is train.
Split LeaveLastOut(const std::vector<Interaction>& rows);

// Strong generalization (Liang et al. 2018; Steck 2019): users in NumPy-permuted order, the first
// `heldout_fraction` of them (with at least two interactions) are held out; each held-out user's
// interactions are permuted and the first round(fold_in_ratio * n) are fold-in, the rest test.
Split StrongGeneralizationSplit(const std::vector<Interaction>& rows, double heldout_fraction,
                                double fold_in_ratio, uint32_t seed);

// Cold items: the first `cold_fraction` of the items in NumPy-permuted order are held out
// entirely; every interaction with them is test, and only they are candidates. Models must rank
// items nobody has interacted with (from content).
Split ColdItemSplit(const std::vector<Interaction>& rows, size_t num_items, double cold_fraction, uint32_t seed);

// Cold users: the first `cold_fraction` of the users in NumPy-permuted order are held out
// entirely; every interaction of theirs is test, and they are asked with an empty history (a
// model may read their attributes: Dataset::user_attributes).
Split ColdUserSplit(const std::vector<Interaction>& rows, size_t num_users, double cold_fraction, uint32_t seed);

// The session-rec protocol (Ludewig & Jannach), single split:
// - sessions are the dataset's sessions, or each user's events cut at gaps > `session_gap_ms`;
// - one pass of filters: sessions with < 2 events, then items with < 5 events, then sessions
//   with < 2 events are dropped;
// - a session is test when its last event is at or after (latest time - test_days);
// - test events on items absent from training are dropped, then test sessions with < 2 events.
// `min_session_length` and `min_item_support` (2 and 5 in session-rec) set the filters.
SessionSplit SessionRecSplit(const Dataset& dataset, int test_days, int64_t session_gap_ms,
                             int min_session_length = 2, int min_item_support = 5);

// NumPy's RandomState(seed).permutation(n) (legacy MT19937 seeding, rejection sampling by mask).
std::vector<uint32_t> NumpyPermutation(uint32_t n, uint32_t seed);

}  // namespace recd
