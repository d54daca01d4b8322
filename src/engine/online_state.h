// OnlineState: what changes the moment an event is acknowledged. Each shopper's (user's or
// session's) recent history and exclusions, each item's popularity and trending counters, and
// the cohorts' popularity (models/cohort.h).
// Every update is O(1) amortized; nothing here waits for a retrain.
//
// Thread safety: not synchronized; the engine guards it with its state lock.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/ids.h"
#include "core/top_k.h"
#include "models/cohort.h"
#include "models/counters.h"
#include "models/item_knn.h"
#include "recd/options.h"
#include "storage/event_codec.h"

namespace recd {

struct HistoryEntry {
  ItemIdx item;
  EventType type;
  float strength;  // EventStrength of the event
  int64_t timestamp_ms;
};

// A shopper's live view, copied out of the online state for one request.
struct ShopperView {
  std::vector<Affinity> affinity;      // per item, recency-weighted; may be <= 0
  std::vector<EventType> strongest;    // parallel to affinity: the type that weighed most
  std::vector<ItemIdx> excluded;       // sorted
  size_t history_size = 0;
};

class OnlineState {
 public:
  explicit OnlineState(const Options& options) : options_(options) {}

  // Applies one stored event.
  void Apply(const EventRecord& event);

  // The user's current session if their latest event is at most `gap_ms` before `t_ms`.
  SessionIdx CurrentSession(UserIdx user, int64_t t_ms, int64_t gap_ms) const;

  // Fills `view` from the user's history, or the session's if user is kNoIdx. A session idle
  // for longer than the configured TTL has no history.
  void Collect(UserIdx user, SessionIdx session, ShopperView* view) const;
  // Recent history, newest first.
  std::vector<HistoryEntry> History(UserIdx user, SessionIdx session) const;
  // Users with `item` in their cart (added, not removed nor bought since; an index kept per
  // event) or, with in_cart false, who viewed or clicked it in their recent history (a scan of
  // every user's history).
  std::vector<UserIdx> UsersWith(ItemIdx item, bool in_cart) const;

  const DecayedCounter& popularity(ItemIdx item) const { return items_[item].popularity; }
  double Trending(ItemIdx item, int64_t now_ms) const;
  size_t num_items() const { return items_.size(); }
  // Events ever applied to the item.
  uint32_t events(ItemIdx item) const { return item < items_.size() ? items_[item].events : 0; }

  // The user's attribute values ("gender=f"), from PUT /v1/users: their later events count for
  // those cohorts, and CohortTop ranks for them (empty while none of their cohorts has events).
  void SetCohorts(UserIdx user, const std::vector<std::string>& values);
  std::vector<Scored> CohortTop(UserIdx user, size_t n, const std::function<bool(ItemIdx)>& keep) const;

 private:
  struct Shopper {
    std::vector<HistoryEntry> ring;  // capacity history_size; `next` is the oldest once full
    size_t next = 0;
    std::vector<ItemIdx> excluded;   // sorted
    int64_t last_ms = 0;             // the latest event
    uint32_t link = kNoIdx;          // users: their current session; sessions: their user
  };
  struct ItemCounters {
    DecayedCounter popularity, trend_short, trend_long;
    uint32_t events = 0;
  };
  void Record(std::vector<Shopper>& shoppers, uint32_t idx, const HistoryEntry& entry, bool exclude);
  void UpdateCart(const EventRecord& e);
  bool HasCohorts(UserIdx user) const { return user < user_cohorts_.size() && !user_cohorts_[user].empty(); }
  void Link(UserIdx user, SessionIdx session);
  const Shopper* Find(UserIdx user, SessionIdx session) const;

  const Options& options_;
  std::vector<Shopper> users_;
  std::vector<Shopper> sessions_;
  std::vector<ItemCounters> items_;
  std::unordered_map<std::string, uint32_t> cohort_ids_;
  std::vector<std::vector<uint32_t>> user_cohorts_;  // by user
  CohortCounts cohorts_;
  std::unordered_map<ItemIdx, std::vector<UserIdx>> in_cart_;  // items in carts -> their users
};

}  // namespace recd
