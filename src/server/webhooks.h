// Webhooks: server-to-server push. A shop registers a URL for triggers (new recommendations
// for a shopper, a price drop on an item in a shopper's cart, an item the shopper viewed back in
// stock), optionally for some shoppers only. Each firing becomes a delivery: stored durably
// before Enqueue returns, POSTed by a background thread with an HMAC-SHA256 signature of the
// body (X-Recd-Signature: sha256=<hex>, keyed by the webhook's secret) and its id as
// Idempotency-Key, retried with exponential backoff until a 2xx, and after max_attempts moved
// to the dead-letter list. At least once: a delivery is removed only after a 2xx, so a crash
// between the 2xx and the removal resends it under the same key; receivers dedupe by it.
//
// https receivers are verified against the system's CAs (and webhooks.ca_file) and their name.
// State lives in its own RocksDB under <data_dir>/webhooks (hooks, pending and dead deliveries).
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "recd/status.h"

namespace recd {

class Store;

struct Webhook {
  std::string id;
  std::string url;     // https://host[:port]/path (certificate verified) or http://
  std::string secret;  // HMAC key; made up when not given
  std::vector<std::string> triggers;  // new_recommendations, price_drop, back_in_stock
  std::vector<std::string> users;     // only these shoppers; empty: every shopper
  int64_t created_ms = 0;
};

struct Delivery {
  std::string id;  // also the Idempotency-Key
  std::string webhook_id;
  std::string body;  // the JSON POSTed
  int attempts = 0;
  int64_t next_ms = 0;  // when the next attempt is due
  std::string last_error;
};

struct WebhookOptions {
  int max_attempts = 8;
  int64_t retry_base_ms = 1000;   // the n-th retry waits base x 2^(n-1), at most retry_max_ms
  int64_t retry_max_ms = 3600 * 1000;
  int64_t timeout_ms = 10000;     // per attempt
  std::string ca_file;            // further CAs (PEM) to trust for https receivers
};

class Webhooks {
 public:
  static const std::vector<std::string>& Triggers();

  // Opens (or creates) the state in `dir` and starts delivering what was pending.
  static Result<std::unique_ptr<Webhooks>> Open(const std::string& dir, const WebhookOptions& options);
  ~Webhooks();

  // InvalidArgument naming the field for a bad URL, an unknown trigger or no trigger.
  Result<Webhook> Register(Webhook hook);
  std::vector<Webhook> List() const;
  Status Remove(const std::string& id);  // NotFound if unknown

  // Whether any webhook wants `trigger` for shopper `user`.
  bool Wants(const std::string& trigger, const std::string& user) const;
  // A delivery to every such webhook; `data_json` is a JSON value. Durable when it returns.
  Status Fire(const std::string& trigger, const std::string& user, const std::string& data_json);

  std::vector<Delivery> Pending() const;
  std::vector<Delivery> DeadLetters() const;
  // Blocks until nothing is pending or `timeout_ms` passed; true if nothing is pending.
  bool WaitIdle(int64_t timeout_ms) const;

 private:
  Webhooks(std::unique_ptr<Store> store, WebhookOptions options);
  void Loop();
  // One attempt; updates the store and the in-memory queue.
  void Attempt(Delivery d);

  const WebhookOptions options_;
  std::unique_ptr<Store> store_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::map<std::string, Webhook> hooks_;           // GUARDED_BY(mu_)
  std::map<std::string, Delivery> pending_;        // GUARDED_BY(mu_), by id
  std::map<std::string, Delivery> dead_;           // GUARDED_BY(mu_), by id
  uint64_t next_seq_ = 0;                          // GUARDED_BY(mu_)
  bool attempting_ = false;                        // GUARDED_BY(mu_)
  bool stop_ = false;                              // GUARDED_BY(mu_)
  std::thread worker_;
};

// hex(HMAC-SHA256(key, message)).
std::string HmacSha256Hex(const std::string& key, const std::string& message);

}  // namespace recd
