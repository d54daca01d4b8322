// PushHub: the shoppers' open event streams (GET /v1/users/{user}/stream and
// /v1/sessions/{session}/stream) and the list each was last sent. After a shopper's events are
// stored, Changed recomputes the lists of their streams and sends each one in which at least
// push.min_new_items items are new to its top n; an unchanged or merely reordered list is not
// sent.
//
// Every message is "id: <list id>\nevent: recommendations\ndata: <JSON list>\n\n"; the id is a
// hash of the list's items, so a client reconnecting with Last-Event-ID is sent the current list
// only if it differs from the one it has (this holds across restarts).
//
// Webhooks for the new_recommendations trigger ride on the same recomputation: a user with such
// a webhook has their list (recommend.default_n items) recomputed after their events, and a
// delivery is fired when it changed as much.
//
// Thread safety: all methods may be called from any thread. One mutex guards the map; each
// shopper's streams have their own, held while their lists are recomputed, so two events of one
// shopper cannot send their lists out of order.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "recd/engine.h"
#include "server/http_server.h"
#include "server/webhooks.h"

namespace recd {

class PushHub {
 public:
  // `recomm_id` makes the recomm_id of each list sent.
  explicit PushHub(std::function<std::string()> recomm_id);
  // Webhooks to fire new_recommendations on; null: none. Must outlive the hub's use.
  void SetWebhooks(Webhooks* webhooks) { webhooks_.store(webhooks); }

  // A shopper's streams beyond this close their oldest.
  static constexpr size_t kMaxStreamsPerShopper = 16;

  // Registers `stream` for the shopper of `req` and sends it the current list, unless
  // `last_event_id` names that very list. A failed Recommend is sent as an "error" event and
  // the stream is closed.
  void Subscribe(Engine& engine, const RecommendRequest& req, std::shared_ptr<EventStream> stream,
                 std::string_view last_event_id);
  // The shoppers, (user, session) pairs with either part empty, whose events were just stored.
  void Changed(Engine& engine, std::span<const std::pair<std::string, std::string>> shoppers);
  // Streams still open (closed ones are dropped as they are met).
  size_t open_streams() const;

 private:
  struct Subscriber {
    RecommendRequest req;
    // Weak: a stream lives as long as its connection's pending I/O does (the server owns it),
    // so no stream outlives the server's io_context through the hub.
    std::weak_ptr<EventStream> stream;
    std::vector<std::string> sent;  // item keys of the last list sent
  };
  struct Shopper {
    std::mutex mu;
    std::vector<Subscriber> subscribers;  // GUARDED_BY(mu)
    bool removed = false;                 // GUARDED_BY(mu): no longer in the map
  };
  std::shared_ptr<Shopper> Find(const std::string& key) const;
  // Drops the closed streams of `shopper` (its mu held), and the shopper once it has none.
  void Prune(const std::string& key, const std::shared_ptr<Shopper>& shopper);
  // Prunes every shopper; Subscribe calls it now and then, so closed streams of shoppers who
  // never come back are released too.
  void Sweep();
  // A list as one SSE message, with its id.
  std::string Message(const std::vector<Recommendation>& list) const;

  // The new_recommendations webhooks of `user`.
  void FireWebhooks(Engine& engine, const std::string& user);

  const std::function<std::string()> recomm_id_;
  std::atomic<Webhooks*> webhooks_{nullptr};
  // The lists last fired per user, in memory only: after a restart (or once kMaxWebhookUsers
  // users are held, when it starts afresh) a user's next change fires again.
  static constexpr size_t kMaxWebhookUsers = 100000;
  std::mutex webhook_mu_;  // held while a user's webhook list is recomputed and compared
  std::unordered_map<std::string, std::vector<std::string>> webhook_sent_;  // GUARDED_BY(webhook_mu_)
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<Shopper>> shoppers_;  // "u:" or "s:" + key
  uint64_t subscriptions_ = 0;                                           // GUARDED_BY(mu_)
};

}  // namespace recd
