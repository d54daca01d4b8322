#include "engine/online_state.h"

#include <algorithm>

#include "core/clock.h"
#include "data/interactions.h"

namespace recd {

void OnlineState::Apply(const EventRecord& e) {
  // Searches say nothing about an item (the search module reads their queries from the log).
  if (e.item_idx == kNoIdx || e.type == EventType::kSearch) return;
  if (e.item_idx >= items_.size()) items_.resize(e.item_idx + 1);
  const double strength = EventStrength(e.type, e.value, options_.event_weights);
  ItemCounters& c = items_[e.item_idx];
  ++c.events;
  c.popularity.Add(strength, e.timestamp_ms, options_.popularity_half_life_hours);
  c.trend_short.Add(strength, e.timestamp_ms, options_.trending_short_half_life_hours);
  c.trend_long.Add(strength, e.timestamp_ms, options_.trending_long_half_life_hours);
  if (HasCohorts(e.user_idx)) cohorts_.Add(user_cohorts_[e.user_idx], e.item_idx, strength);
  if (e.user_idx != kNoIdx) UpdateCart(e);

  const bool exclude = std::find(options_.exclude_types.begin(), options_.exclude_types.end(),
                                 e.type) != options_.exclude_types.end();
  HistoryEntry entry{e.item_idx, e.type, static_cast<float>(strength), e.timestamp_ms};
  if (e.user_idx != kNoIdx && e.session_idx != kNoIdx) Link(e.user_idx, e.session_idx);
  if (e.user_idx != kNoIdx) {
    Record(users_, e.user_idx, entry, exclude);
    users_[e.user_idx].link = e.session_idx != kNoIdx ? e.session_idx : users_[e.user_idx].link;
  }
  if (e.session_idx != kNoIdx) Record(sessions_, e.session_idx, entry, exclude);
}

void OnlineState::SetCohorts(UserIdx user, const std::vector<std::string>& values) {
  if (user >= user_cohorts_.size()) user_cohorts_.resize(user + 1);
  std::vector<uint32_t>& ids = user_cohorts_[user];
  ids.clear();
  for (const std::string& v : values) ids.push_back(cohort_ids_.emplace(v, cohort_ids_.size()).first->second);
}

std::vector<Scored> OnlineState::CohortTop(UserIdx user, size_t n, const std::function<bool(ItemIdx)>& keep) const {
  if (!HasCohorts(user) || !cohorts_.Knows(user_cohorts_[user])) return {};
  return cohorts_.Top(user_cohorts_[user], n, keep);
}

// The first event that names both a session and a user links them: the session's earlier,
// anonymous events join the user's history.
void OnlineState::Link(UserIdx user, SessionIdx session) {
  if (session >= sessions_.size()) sessions_.resize(session + 1);
  Shopper& s = sessions_[session];
  if (s.link != kNoIdx) return;
  s.link = user;
  const size_t n = s.ring.size();
  for (size_t i = 0; i < n; ++i) {
    const HistoryEntry& h = s.ring[(s.next + i) % n];  // oldest first
    const bool excluded = std::binary_search(s.excluded.begin(), s.excluded.end(), h.item);
    Record(users_, user, h, excluded);
  }
}

SessionIdx OnlineState::CurrentSession(UserIdx user, int64_t t_ms, int64_t gap_ms) const {
  if (user >= users_.size() || users_[user].link == kNoIdx || users_[user].ring.empty()) return kNoIdx;
  return t_ms - users_[user].last_ms <= gap_ms ? users_[user].link : kNoIdx;
}

void OnlineState::Record(std::vector<Shopper>& shoppers, uint32_t idx, const HistoryEntry& entry,
                         bool exclude) {
  if (idx >= shoppers.size()) shoppers.resize(idx + 1);
  Shopper& s = shoppers[idx];
  const size_t capacity = static_cast<size_t>(std::max(1, options_.history_size));
  if (s.ring.size() < capacity) {
    s.ring.push_back(entry);
  } else {
    s.ring[s.next] = entry;
    s.next = (s.next + 1) % capacity;
  }
  s.last_ms = std::max(s.last_ms, entry.timestamp_ms);
  if (exclude) {
    auto it = std::lower_bound(s.excluded.begin(), s.excluded.end(), entry.item);
    if (it == s.excluded.end() || *it != entry.item) s.excluded.insert(it, entry.item);
  }
}

// Shoppers interned without any item event (a PUT /v1/users, only searches) have an empty ring,
// as do slots below the largest index seen: both count as "no history".
const OnlineState::Shopper* OnlineState::Find(UserIdx user, SessionIdx session) const {
  const Shopper* s = nullptr;
  if (user != kNoIdx) {
    s = user < users_.size() ? &users_[user] : nullptr;
  } else if (session != kNoIdx) {
    s = session < sessions_.size() ? &sessions_[session] : nullptr;
    const int64_t ttl_ms = int64_t{options_.session_ttl_minutes} * 60000;
    if (s && ttl_ms > 0 && NowMs() - s->last_ms > ttl_ms) s = nullptr;
  }
  return s && !s->ring.empty() ? s : nullptr;
}

std::vector<HistoryEntry> OnlineState::History(UserIdx user, SessionIdx session) const {
  std::vector<HistoryEntry> out;
  const Shopper* s = Find(user, session);
  if (!s) return out;
  const size_t n = s->ring.size();
  out.reserve(n);
  // Newest first: the entry just before `next` (mod n) is the newest once the ring is full.
  const size_t newest = (s->next + n - 1) % n;
  for (size_t i = 0; i < n; ++i) out.push_back(s->ring[(newest + n - i) % n]);
  return out;
}

void OnlineState::UpdateCart(const EventRecord& e) {
  const bool add = e.type == EventType::kAddToCart;
  if (!add && e.type != EventType::kRemoveFromCart && e.type != EventType::kPurchase) return;
  std::vector<UserIdx>& users = in_cart_[e.item_idx];
  auto it = std::find(users.begin(), users.end(), e.user_idx);
  if (add && it == users.end()) users.push_back(e.user_idx);
  if (!add && it != users.end()) users.erase(it);
  if (users.empty()) in_cart_.erase(e.item_idx);
}

std::vector<UserIdx> OnlineState::UsersWith(ItemIdx item, bool in_cart) const {
  if (in_cart) {
    auto it = in_cart_.find(item);
    return it == in_cart_.end() ? std::vector<UserIdx>{} : it->second;
  }
  std::vector<UserIdx> out;
  for (UserIdx u = 0; u < users_.size(); ++u) {
    const Shopper& s = users_[u];
    if (std::any_of(s.ring.begin(), s.ring.end(), [&](const HistoryEntry& h) {
          return h.item == item && (h.type == EventType::kView || h.type == EventType::kClick);
        })) {
      out.push_back(u);
    }
  }
  return out;
}

void OnlineState::Collect(UserIdx user, SessionIdx session, ShopperView* view) const {
  view->affinity.clear();
  view->strongest.clear();
  view->excluded.clear();
  view->history_size = 0;
  const Shopper* s = Find(user, session);
  if (!s) return;
  view->excluded = s->excluded;
  const size_t n = s->ring.size();
  view->history_size = n;
  // Weight each event by recency, then merge the events of each item.
  struct Weighted {
    ItemIdx item;
    float weight;
    float strength;
    EventType type;
  };
  thread_local std::vector<Weighted> events;
  events.clear();
  const size_t newest = (s->next + n - 1) % n;
  double decay = 1.0;
  for (size_t i = 0; i < n; ++i, decay *= options_.history_decay) {
    const HistoryEntry& h = s->ring[(newest + n - i) % n];
    events.push_back({h.item, static_cast<float>(h.strength * decay), h.strength, h.type});
  }
  std::sort(events.begin(), events.end(),
            [](const Weighted& a, const Weighted& b) { return a.item < b.item; });
  float best_strength = 0;
  for (const Weighted& w : events) {
    if (view->affinity.empty() || view->affinity.back().item != w.item) {
      view->affinity.push_back({w.item, 0.0f});
      view->strongest.push_back(w.type);
      best_strength = w.strength;
    } else if (w.strength > best_strength) {
      view->strongest.back() = w.type;
      best_strength = w.strength;
    }
    view->affinity.back().weight += w.weight;
  }
}

double OnlineState::Trending(ItemIdx item, int64_t now_ms) const {
  const ItemCounters& c = items_[item];
  return TrendingScore(c.trend_short, c.trend_long, now_ms, options_.trending_short_half_life_hours,
                       options_.trending_long_half_life_hours);
}

}  // namespace recd
