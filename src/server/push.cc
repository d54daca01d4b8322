#include "server/push.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/coding.h"
#include "server/json_codec.h"

namespace recd {

namespace {

std::string ShopperKey(const std::string& user, const std::string& session) {
  return user.empty() ? "s:" + session : "u:" + user;
}

std::vector<std::string> ItemKeys(const std::vector<Recommendation>& list) {
  std::vector<std::string> keys;
  for (const Recommendation& r : list) keys.push_back(r.item_key);
  return keys;
}

// Items of `now` not in `before`.
int NewItems(const std::vector<std::string>& before, const std::vector<std::string>& now) {
  int fresh = 0;
  for (const std::string& k : now) fresh += std::find(before.begin(), before.end(), k) == before.end();
  return fresh;
}

// The id of a list: a hash of its item keys in order (hex).
std::string ListId(const std::vector<Recommendation>& list) {
  uint64_t h = Fnv1a64("");
  for (const Recommendation& r : list) h = Fnv1a64(std::string_view("\0", 1), Fnv1a64(r.item_key, h));
  return fmt::format("{:016x}", h);
}

}  // namespace

PushHub::PushHub(std::function<std::string()> recomm_id) : recomm_id_(std::move(recomm_id)) {}

std::string PushHub::Message(const std::vector<Recommendation>& list) const {
  return "id: " + ListId(list) + "\nevent: recommendations\ndata: " + json::RecommendationsBody(list, recomm_id_()) +
         "\n\n";
}

std::shared_ptr<PushHub::Shopper> PushHub::Find(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = shoppers_.find(key);
  return it == shoppers_.end() ? nullptr : it->second;
}

void PushHub::Subscribe(Engine& engine, const RecommendRequest& req, std::shared_ptr<EventStream> stream,
                        std::string_view last_event_id) {
  const std::string key = ShopperKey(req.user_key, req.session_key);
  bool sweep = false;
  while (true) {
    std::shared_ptr<Shopper> shopper;
    {
      std::lock_guard<std::mutex> lock(mu_);
      std::shared_ptr<Shopper>& slot = shoppers_[key];
      if (!slot) slot = std::make_shared<Shopper>();
      shopper = slot;
      sweep = ++subscriptions_ % 1024 == 0;
    }
    std::lock_guard<std::mutex> lock(shopper->mu);
    if (shopper->removed) continue;  // pruned meanwhile: take the map's new entry
    Result<std::vector<Recommendation>> list = engine.Recommend(req);
    if (!list.ok()) {
      stream->Send("event: error\ndata: " + json::ErrorBody(list.status()) + "\n\n");
      stream->End();
      break;
    }
    if (ListId(*list) != last_event_id) stream->Send(Message(*list));
    auto& subs = shopper->subscribers;
    if (subs.size() >= kMaxStreamsPerShopper) {  // the oldest goes: a shopper has a few tabs, not hundreds
      if (std::shared_ptr<EventStream> oldest = subs.front().stream.lock()) oldest->End();
      subs.erase(subs.begin());
    }
    subs.push_back({req, std::move(stream), ItemKeys(*list)});
    break;
  }
  if (sweep) Sweep();
}

void PushHub::Prune(const std::string& key, const std::shared_ptr<Shopper>& shopper) {
  auto& subs = shopper->subscribers;
  subs.erase(std::remove_if(subs.begin(), subs.end(),
                            [](const Subscriber& s) {
                              std::shared_ptr<EventStream> stream = s.stream.lock();
                              return !stream || !stream->open();
                            }),
             subs.end());
  if (!subs.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);  // order: a shopper's mu, then mu_ (Subscribe never holds both)
  auto it = shoppers_.find(key);
  if (it != shoppers_.end() && it->second == shopper) shoppers_.erase(it);
  shopper->removed = true;
}

void PushHub::Sweep() {
  std::vector<std::pair<std::string, std::shared_ptr<Shopper>>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.assign(shoppers_.begin(), shoppers_.end());
  }
  for (const auto& [key, shopper] : all) {
    std::lock_guard<std::mutex> lock(shopper->mu);
    if (!shopper->removed) Prune(key, shopper);
  }
}

void PushHub::Changed(Engine& engine, std::span<const std::pair<std::string, std::string>> shoppers) {
  const int min_new_items = std::max(1, engine.options().push_min_new_items);
  for (const auto& [user, session] : shoppers) {
    if (!user.empty()) FireWebhooks(engine, user);
    for (const std::string& key : {user.empty() ? "" : "u:" + user, session.empty() ? "" : "s:" + session}) {
      if (key.empty()) continue;
      std::shared_ptr<Shopper> shopper = Find(key);
      if (!shopper) continue;
      std::lock_guard<std::mutex> lock(shopper->mu);
      if (shopper->removed) continue;
      Prune(key, shopper);
      for (Subscriber& s : shopper->subscribers) {
        std::shared_ptr<EventStream> stream = s.stream.lock();
        if (!stream) continue;
        Result<std::vector<Recommendation>> list = engine.Recommend(s.req);
        if (!list.ok()) continue;
        std::vector<std::string> keys = ItemKeys(*list);
        if (NewItems(s.sent, keys) < min_new_items) continue;
        stream->Send(Message(*list));
        s.sent = std::move(keys);
      }
    }
  }
}

void PushHub::FireWebhooks(Engine& engine, const std::string& user) {
  Webhooks* webhooks = webhooks_.load();
  if (!webhooks || !webhooks->Wants("new_recommendations", user)) return;
  RecommendRequest req;
  req.user_key = user;
  // Computed under the lock, so two events of one user cannot fire their lists out of order.
  std::lock_guard<std::mutex> lock(webhook_mu_);
  Result<std::vector<Recommendation>> list = engine.Recommend(req);
  if (!list.ok()) return;
  std::vector<std::string> keys = ItemKeys(*list);
  if (webhook_sent_.size() >= kMaxWebhookUsers && !webhook_sent_.count(user)) webhook_sent_.clear();
  std::vector<std::string>& sent = webhook_sent_[user];
  if (NewItems(sent, keys) < std::max(1, engine.options().push_min_new_items)) return;
  if (webhooks->Fire("new_recommendations", user, json::RecommendationsBody(*list, recomm_id_())).ok()) {
    sent = std::move(keys);
  }
}

size_t PushHub::open_streams() const {
  std::vector<std::shared_ptr<Shopper>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, shopper] : shoppers_) all.push_back(shopper);
  }
  size_t n = 0;
  for (const auto& shopper : all) {
    std::lock_guard<std::mutex> lock(shopper->mu);
    for (const Subscriber& s : shopper->subscribers) {
      std::shared_ptr<EventStream> stream = s.stream.lock();
      n += stream && stream->open();
    }
  }
  return n;
}

}  // namespace recd
