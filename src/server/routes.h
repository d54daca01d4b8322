// Api: recd's HTTP routes (docs/api.md), mapping requests to Engine calls and back. The only
// Status -> HTTP mapping lives here (HttpStatusFor).
//
// Until SetEngine is called every /v1 route answers 503, so the server can listen while the
// engine restores its state.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "recd/engine.h"
#include "server/http_server.h"
#include "server/metrics.h"
#include "server/push.h"

namespace recd {

// 400 invalid_argument, 404 not_found, 413 payload_too_large, 503 unavailable, 501
// not_supported, 500 otherwise.
int HttpStatusFor(const Status& status);

class Api {
 public:
  Api();
  ~Api();
  // The engine must outlive the Api. Makes /readyz answer 200.
  void SetEngine(Engine* engine) { engine_.store(engine); }
  // The webhooks behind /v1/webhooks and the triggers; they must outlive the Api. Until set,
  // the webhook routes answer 503.
  void SetWebhooks(Webhooks* webhooks) {
    webhooks_.store(webhooks);
    push_.SetWebhooks(webhooks);
  }
  void Handle(const HttpRequest& request, HttpResponse& response);
  // Writes wait on fsync (and a retrain with ?wait=true on a build): the server runs them off
  // its I/O threads.
  static bool IsBlocking(const HttpRequest& request) { return request.method != "GET"; }
  PushHub& push() { return push_; }
  // Server options wired to this Api: blocking routes and the body limit.
  static HttpServerOptions ServerOptions(const Options& options);

  struct Route;

 private:
  Engine* engine() const { return engine_.load(); }
  Status UpsertItems(Engine& engine, std::vector<Item> items);

  std::atomic<Engine*> engine_{nullptr};
  std::atomic<Webhooks*> webhooks_{nullptr};
  Metrics metrics_;
  std::vector<Route> routes_;
  std::atomic<uint64_t> recomm_counter_{0};
  PushHub push_;
  int unmatched_metric_ = 0;  // requests that matched no route
};

}  // namespace recd
