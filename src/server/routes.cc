#include "server/routes.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <functional>
#include <map>
#include <vector>

#include "core/clock.h"
#include "core/json_quote.h"
#include "server/json_codec.h"
#include "server/web_assets.h"

namespace recd {

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kPayloadTooLarge: return 413;
    case StatusCode::kNotSupported: return 501;
    case StatusCode::kUnavailable: return 503;
    default: return 500;
  }
}

namespace {

// Percent-decoding; '+' is a space in query strings. False on a malformed escape.
bool UrlDecode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int v = 0;
      auto [p, ec] = std::from_chars(in.data() + i + 1, in.data() + i + 3, v, 16);
      if (ec != std::errc() || p != in.data() + i + 3) return false;
      out->push_back(static_cast<char>(v));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

struct Context {
  const HttpRequest& request;
  HttpResponse& response;
  Engine* engine;
  std::vector<std::string> params;            // {placeholders} of the path, decoded
  std::map<std::string, std::string> query;   // decoded

  void Reply(int status, std::string body) {
    response.status = status;
    response.body = std::move(body);
  }
  void Fail(const Status& st) { Reply(HttpStatusFor(st), json::ErrorBody(st)); }

  std::string Query(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? "" : it->second;
  }
  // The list length from ?n=, range-checked.
  Status N(int* n) const {
    *n = engine->options().default_n;
    std::string v = Query("n");
    if (v.empty()) return Status::OK();
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), *n);
    const int max_n = engine->options().max_n;
    if (ec != std::errc() || p != v.data() + v.size() || *n < 1 || *n > max_n) {
      return Status::InvalidArgument(fmt::format("n: expected an integer from 1 to {}, got '{}'", max_n, v));
    }
    return Status::OK();
  }
};

using RouteFn = std::function<void(Context&)>;

}  // namespace

struct Api::Route {
  std::string method;
  std::vector<std::string> segments;  // "{x}" matches any one segment
  RouteFn fn;
  bool needs_engine;
  int metric_id;
};

namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void Recommendations(Context& c, Result<std::vector<Recommendation>> list, bool with_recomm_id,
                     std::atomic<uint64_t>* counter) {
  if (!list.ok()) return c.Fail(list.status());
  std::string recomm_id;
  if (with_recomm_id) recomm_id = fmt::format("{:x}-{:x}", NowMs(), counter->fetch_add(1));
  c.Reply(200, json::RecommendationsBody(*list, recomm_id));
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The list parameters of recommendations, streams and the inspector: the shopper (from the path
// for /users/{user} and /sessions/{session}, else ?user= and ?session=), n, category, exclude.
Status ListRequest(const Context& c, std::string_view path_kind, RecommendRequest* req) {
  if (path_kind == "user") {
    req->user_key = c.params[0];
    req->session_key = c.Query("session");
  } else if (path_kind == "session") {
    req->session_key = c.params[0];
  } else {
    req->user_key = c.Query("user");
    req->session_key = c.Query("session");
    if (req->user_key.empty() && req->session_key.empty()) return Status::InvalidArgument("user or session: required");
  }
  RECD_RETURN_IF_ERROR(c.N(&req->n));
  req->category = c.Query("category");
  req->exclude = SplitComma(c.Query("exclude"));
  return Status::OK();
}

}  // namespace

Api::Api() : push_([this] { return fmt::format("{:x}-{:x}", NowMs(), recomm_counter_.fetch_add(1)); }) {
  auto add = [this](std::string method, std::string pattern, bool needs_engine, RouteFn fn) {
    Route r;
    r.method = method;
    for (std::string_view seg : SplitPath(pattern)) r.segments.emplace_back(seg);
    r.fn = std::move(fn);
    r.needs_engine = needs_engine;
    r.metric_id = metrics_.AddRoute(method + " " + pattern);
    routes_.push_back(std::move(r));
  };
  std::atomic<uint64_t>* counter = &recomm_counter_;

  unmatched_metric_ = metrics_.AddRoute("unmatched");
  add("GET", "/healthz", false, [](Context& c) { c.Reply(200, R"({"status":"ok"})"); });
  add("GET", "/readyz", false, [](Context& c) {
    if (c.engine) return c.Reply(200, R"({"status":"ready"})");
    c.Fail(Status::Unavailable("recd is still restoring its state"));
  });
  add("GET", "/metrics", false, [this](Context& c) {
    std::string extra;
    if (c.engine) {
      ModelInfo m = c.engine->CurrentModel();
      EngineStats s = c.engine->Stats();
      extra += "# TYPE recd_events_total gauge\n" + fmt::format("recd_events_total {}\n", s.events_total);
      extra += "# TYPE recd_model_version gauge\n" + fmt::format("recd_model_version {}\n", m.version);
      extra += "# TYPE recd_model_snapshot_age_seconds gauge\n" +
               fmt::format("recd_model_snapshot_age_seconds {}\n",
                           m.built_at_ms ? (NowMs() - m.built_at_ms) / 1000.0 : 0.0);
      extra += "# TYPE recd_events_since_build gauge\n" +
               fmt::format("recd_events_since_build {}\n", s.events_since_build);
    }
    c.response.content_type = "text/plain; version=0.0.4";
    c.Reply(200, metrics_.Render(extra));
  });

  add("POST", "/v1/events", true, [this](Context& c) {
    std::vector<Event> events;
    std::vector<Status> statuses;
    bool batch = false;
    Status st = json::ParseEvents(c.request.body, &events, &statuses, &batch);
    if (!st.ok()) return c.Fail(st);
    std::vector<size_t> parsed;  // indices that parsed, in order
    std::vector<Event> to_store;
    for (size_t i = 0; i < events.size(); ++i) {
      if (statuses[i].ok()) {
        parsed.push_back(i);
        to_store.push_back(std::move(events[i]));
      }
    }
    std::vector<std::pair<std::string, std::string>> shoppers;  // (user, session) of each stored event
    for (const Event& e : to_store) shoppers.emplace_back(e.user_key, e.session_key);
    std::vector<Status> stored = c.engine->Ingest(std::move(to_store));
    size_t ok = 0;
    for (size_t k = 0; k < parsed.size(); ++k) {
      statuses[parsed[k]] = batch ? stored[k].WithContext("events[" + std::to_string(parsed[k]) + "].") : stored[k];
      ok += stored[k].ok();
    }
    metrics_.AddEventsIngested(ok);
    // Open streams of these shoppers get their fresh lists before the events are acknowledged.
    for (size_t k = 0; k < stored.size(); ++k) {
      if (!stored[k].ok()) shoppers[k] = {};
    }
    std::sort(shoppers.begin(), shoppers.end());
    shoppers.erase(std::unique(shoppers.begin(), shoppers.end()), shoppers.end());
    push_.Changed(*c.engine, shoppers);
    if (!batch && !statuses[0].ok()) return c.Fail(statuses[0]);
    // A batch is 200 with per-record results, unless nothing could be stored for a server reason.
    for (const Status& s : statuses) {
      if (!s.ok() && !s.IsInvalidArgument()) return c.Fail(s);
    }
    c.Reply(200, json::IngestBody(statuses));
  });

  add("PUT", "/v1/items/{item}", true, [this](Context& c) {
    Item item;
    Status st = json::ParseItem(c.request.body, c.params[0], &item);
    std::vector<Item> items;
    items.push_back(std::move(item));
    if (st.ok()) st = UpsertItems(*c.engine, std::move(items));
    if (!st.ok()) return c.Fail(st);
    c.Reply(200, R"({"upserted":1})");
  });
  add("POST", "/v1/items", true, [this](Context& c) {
    std::vector<Item> items;
    Status st = json::ParseItems(c.request.body, &items);
    size_t n = items.size();
    if (st.ok()) st = UpsertItems(*c.engine, std::move(items));
    if (!st.ok()) return c.Fail(st);
    c.Reply(200, fmt::format(R"({{"upserted":{}}})", n));
  });
  add("GET", "/v1/items/{item}", true, [](Context& c) {
    Result<Item> item = c.engine->GetItem(c.params[0]);
    if (!item.ok()) return c.Fail(item.status());
    c.Reply(200, json::ItemBody(*item));
  });
  add("DELETE", "/v1/items/{item}", true, [](Context& c) {
    Status st = c.engine->HideItem(c.params[0]);
    if (!st.ok()) return c.Fail(st);
    c.Reply(200, R"({"hidden":1})");
  });
  add("GET", "/v1/items/{item}/similar", true, [counter](Context& c) {
    int n = 0;
    Status st = c.N(&n);
    if (!st.ok()) return c.Fail(st);
    Recommendations(c, c.engine->Similar(c.params[0], n), true, counter);
  });

  add("PUT", "/v1/users/{user}", true, [](Context& c) {
    User user{c.params[0], ""};
    Status st = json::ParseUserAttributes(c.request.body, &user.attributes_json);
    if (st.ok()) st = c.engine->UpsertUser(std::move(user));
    if (!st.ok()) return c.Fail(st);
    c.Reply(200, R"({"upserted":1})");
  });
  add("GET", "/v1/users/{user}", true, [](Context& c) {
    Result<User> user = c.engine->GetUser(c.params[0]);
    if (!user.ok()) return c.Fail(user.status());
    c.Reply(200, json::UserBody(*user));
  });
  auto recommend = [counter](Context& c, bool for_user) {
    RecommendRequest req;
    Status st = ListRequest(c, for_user ? "user" : "session", &req);
    if (!st.ok()) return c.Fail(st);
    Recommendations(c, c.engine->Recommend(req), true, counter);
  };
  auto history = [](Context& c, bool for_user) {
    auto events = for_user ? c.engine->History(c.params[0], "") : c.engine->History("", c.params[0]);
    if (!events.ok()) return c.Fail(events.status());
    c.Reply(200, json::HistoryBody(*events));
  };
  add("GET", "/v1/users/{user}/history", true, [history](Context& c) { history(c, true); });
  add("GET", "/v1/sessions/{session}/history", true, [history](Context& c) { history(c, false); });
  auto stream = [this](Context& c, bool for_user) {
    RecommendRequest req;
    Status st = ListRequest(c, for_user ? "user" : "session", &req);
    if (!st.ok()) return c.Fail(st);
    // EventSource sends Last-Event-ID on reconnects; ?last_event_id= serves clients that cannot.
    std::string last = c.request.last_event_id.empty() ? c.Query("last_event_id") : std::string(c.request.last_event_id);
    Engine* engine = c.engine;
    c.response.on_stream = [this, engine, req, last](std::shared_ptr<EventStream> s) {
      push_.Subscribe(*engine, req, std::move(s), last);
    };
  };
  // The demo shop and the dashboard (web/, embedded), and the latest evaluation report.
  auto asset = [](Context& c, std::string_view name) {
    for (const WebAsset& a : WebAssets()) {
      if (a.name != name) continue;
      c.response.content_type = std::string(a.content_type);
      return c.Reply(200, std::string(a.bytes));
    }
    c.Fail(Status::NotFound("no such file: " + std::string(name)));
  };
  add("GET", "/shop", false, [asset](Context& c) { asset(c, "shop.html"); });
  add("GET", "/dashboard", false, [asset](Context& c) { asset(c, "dashboard.html"); });
  add("GET", "/web/{file}", false, [asset](Context& c) { asset(c, c.params[0]); });
  add("GET", "/dashboard/report", true, [](Context& c) {
    const Options& o = c.engine->options();
    const std::string path = o.dashboard_report.front() == '/' ? o.dashboard_report : o.data_dir + "/" + o.dashboard_report;
    std::ifstream in(path, std::ios::binary);
    c.response.content_type = "text/html; charset=utf-8";
    if (!in) {
      return c.Reply(404, "<p style=\"font-family:sans-serif\">No evaluation report yet. Write one with <code>recd eval "
                          "--dataset ml-100k --model itemknn --html " + path + "</code> (or set dashboard.report).</p>");
    }
    std::stringstream body;
    body << in.rdbuf();
    c.Reply(200, body.str());
  });
  add("GET", "/v1/inspect", true, [](Context& c) {
    RecommendRequest req;
    Status st = ListRequest(c, "query", &req);
    if (!st.ok()) return c.Fail(st);
    Result<std::vector<InspectedSource>> sources = c.engine->Inspect(req);
    if (!sources.ok()) return c.Fail(sources.status());
    Result<std::vector<Recommendation>> list = c.engine->Recommend(req);
    if (!list.ok()) return c.Fail(list.status());
    Result<std::vector<HistoryEvent>> events = c.engine->History(req.user_key, req.session_key);
    c.Reply(200, json::InspectionBody(events.ok() ? *events : std::vector<HistoryEvent>{}, *sources, *list));
  });
  add("GET", "/v1/users/{user}/stream", true, [stream](Context& c) { stream(c, true); });
  add("GET", "/v1/sessions/{session}/stream", true, [stream](Context& c) { stream(c, false); });
  add("GET", "/v1/users/{user}/recommendations", true, [recommend](Context& c) { recommend(c, true); });
  add("GET", "/v1/sessions/{session}/recommendations", true, [recommend](Context& c) { recommend(c, false); });
  add("GET", "/v1/popular", true, [counter](Context& c) {
    int n = 0;
    Status st = c.N(&n);
    if (!st.ok()) return c.Fail(st);
    Recommendations(c, c.engine->Popular(n, c.Query("category")), true, counter);
  });
  add("GET", "/v1/search", true, [counter](Context& c) {
    SearchRequest req;
    req.query = c.Query("q");
    req.user_key = c.Query("user");
    req.session_key = c.Query("session");
    req.category = c.Query("category");
    Status st = c.N(&req.n);
    for (const char* bound : {"min_price", "max_price"}) {
      const std::string v = c.Query(bound);
      if (v.empty() || !st.ok()) continue;
      double price = 0;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), price);
      if (ec != std::errc() || p != v.data() + v.size()) {
        st = Status::InvalidArgument(std::string(bound) + ": expected a number, got '" + v + "'");
      } else {
        (std::string(bound) == "min_price" ? req.min_price : req.max_price) = price;
      }
    }
    if (!st.ok()) return c.Fail(st);
    auto hits = c.engine->Search(req);
    if (!hits.ok()) return c.Fail(hits.status());
    // Clicks on a hit send this recomm_id back, attributing them to the search.
    c.Reply(200, json::SearchBody(*hits, c.Query("explain") == "true",
                                  fmt::format("{:x}-{:x}", NowMs(), counter->fetch_add(1))));
  });
  add("GET", "/v1/search/suggest", true, [](Context& c) {
    int n = 0;
    Status st = c.N(&n);
    if (!st.ok()) return c.Fail(st);
    auto suggestions = c.engine->Suggest(c.Query("q"), n);
    if (!suggestions.ok()) return c.Fail(suggestions.status());
    c.Reply(200, json::SuggestBody(*suggestions));
  });
  add("GET", "/v1/trending", true, [counter](Context& c) {
    int n = 0;
    Status st = c.N(&n);
    if (!st.ok()) return c.Fail(st);
    Recommendations(c, c.engine->Trending(n, c.Query("category")), true, counter);
  });
  add("POST", "/v1/models/retrain", true, [](Context& c) {
    const bool wait = c.Query("wait") == "true" || c.Query("wait") == "1";
    Status st = c.engine->Retrain(wait);
    if (!st.ok()) return c.Fail(st);
    if (!wait) return c.Reply(202, R"({"status":"retrain requested"})");
    c.Reply(200, json::ModelBody(c.engine->CurrentModel(), c.engine->Stats()));
  });
  add("GET", "/v1/models", true, [](Context& c) {
    c.Reply(200, json::ModelBody(c.engine->CurrentModel(), c.engine->Stats()));
  });

  // The webhook routes: 503 until SetWebhooks.
  auto webhook_route = [this, &add](std::string method, std::string pattern, std::function<void(Context&, Webhooks&)> fn) {
    add(std::move(method), std::move(pattern), true, [this, fn = std::move(fn)](Context& c) {
      Webhooks* w = webhooks_.load();
      if (!w) return c.Fail(Status::Unavailable("webhooks are not set up"));
      fn(c, *w);
    });
  };
  webhook_route("POST", "/v1/webhooks", [](Context& c, Webhooks& w) {
    Webhook hook;
    Status st = json::ParseWebhook(c.request.body, &hook);
    if (!st.ok()) return c.Fail(st);
    Result<Webhook> registered = w.Register(std::move(hook));
    if (!registered.ok()) return c.Fail(registered.status());
    c.Reply(201, json::WebhookBody(*registered, /*with_secret=*/true));
  });
  webhook_route("GET", "/v1/webhooks", [](Context& c, Webhooks& w) { c.Reply(200, json::WebhooksBody(w.List())); });
  webhook_route("DELETE", "/v1/webhooks/{id}", [](Context& c, Webhooks& w) {
    Status st = w.Remove(c.params[0]);
    if (!st.ok()) return c.Fail(st);
    c.Reply(200, R"({"removed":1})");
  });
  webhook_route("GET", "/v1/webhooks/deliveries",
                [](Context& c, Webhooks& w) { c.Reply(200, json::DeliveriesBody(w.Pending(), w.DeadLetters())); });
}

// Upserts `items`, then fires the webhooks their changes concern: price_drop to the users with
// an item in their cart when its price fell, back_in_stock to those who viewed it when it
// became sellable again. The engine reports each item as it was just before its write.
Status Api::UpsertItems(Engine& engine, std::vector<Item> items) {
  Webhooks* webhooks = webhooks_.load();
  if (!webhooks) return engine.UpsertItems(std::move(items));
  const std::vector<Item> after = items;
  std::vector<std::optional<Item>> before;
  RECD_RETURN_IF_ERROR(engine.UpsertItems(std::move(items), &before));
  const int64_t now = NowMs();
  for (size_t i = 0; i < after.size(); ++i) {
    if (!before[i]) continue;  // new to the catalog: nothing dropped, nothing restocked
    const Item& was = *before[i];
    const Item& is = after[i];
    std::vector<std::pair<std::string, std::string>> fired;  // trigger, data
    if (was.price && is.price && *is.price < *was.price) {
      fired.emplace_back("price_drop", fmt::format(R"({{"item":{},"old_price":{},"new_price":{}}})",
                                                   JsonQuote(is.key), *was.price, *is.price));
    }
    if ((!was.available || was.hidden) && !was.Recommendable(now) && is.Recommendable(now)) {
      fired.emplace_back("back_in_stock", fmt::format(R"({{"item":{}}})", JsonQuote(is.key)));
    }
    // The items are stored: a delivery that cannot be stored is logged, and the others still go.
    for (const auto& [trigger, data] : fired) {
      for (const std::string& user : engine.UsersWith(is.key, trigger == "price_drop")) {
        if (!webhooks->Wants(trigger, user)) continue;
        if (Status st = webhooks->Fire(trigger, user, data); !st.ok()) {
          spdlog::error("webhook {} for {}: {}", trigger, user, st.ToString());
        }
      }
    }
  }
  return Status::OK();
}

Api::~Api() = default;

HttpServerOptions Api::ServerOptions(const Options& options) {
  HttpServerOptions server;
  server.max_body_bytes = options.max_body_bytes;
  server.is_blocking = &Api::IsBlocking;
  server.heartbeat_seconds = options.push_heartbeat_seconds;
  return server;
}

void Api::Handle(const HttpRequest& request, HttpResponse& response) {
  const int64_t start_us = MonotonicMicros();
  std::string_view target = request.target;
  size_t qmark = target.find('?');
  std::string_view path = target.substr(0, qmark);
  std::string_view query = qmark == std::string_view::npos ? "" : target.substr(qmark + 1);
  Context c{request, response, engine(), {}, {}};

  auto fail = [&](const Status& st) { c.Fail(st); };
  if (path.empty() || path[0] != '/') return fail(Status::InvalidArgument("path: must start with '/'"));
  std::vector<std::string_view> segments = SplitPath(path);

  const Route* match = nullptr;
  bool path_matched = false;
  for (const Route& r : routes_) {
    if (r.segments.size() != segments.size()) continue;
    bool ok = true;
    for (size_t i = 0; ok && i < segments.size(); ++i) {
      ok = r.segments[i].front() == '{' ? !segments[i].empty() : r.segments[i] == segments[i];
    }
    if (!ok) continue;
    path_matched = true;
    if (r.method == request.method) {
      match = &r;
      break;
    }
  }
  if (!match) {
    metrics_.Record(unmatched_metric_, path_matched ? 405 : 404, (MonotonicMicros() - start_us) / 1e6);
    if (path_matched) {
      response.status = 405;
      response.body = json::ErrorBody(Status::NotSupported(std::string(request.method) + " is not allowed on " + std::string(path)));
      return;
    }
    return fail(Status::NotFound("no route for " + std::string(request.method) + " " + std::string(path)));
  }

  for (size_t i = 0; i < segments.size(); ++i) {
    if (match->segments[i].front() != '{') continue;
    std::string decoded;
    if (!UrlDecode(segments[i], false, &decoded) || !json::ValidUtf8(decoded)) {
      return fail(Status::InvalidArgument("path: malformed escape or invalid UTF-8 in '" + std::string(segments[i]) + "'"));
    }
    c.params.push_back(std::move(decoded));
  }
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    std::string key, value;
    if (!UrlDecode(pair.substr(0, eq), true, &key) ||
        !UrlDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true, &value) ||
        !json::ValidUtf8(key) || !json::ValidUtf8(value)) {
      return fail(Status::InvalidArgument("query: malformed escape or invalid UTF-8 in '" + std::string(pair) + "'"));
    }
    if (key == "category") {
      while (!value.empty() && value.back() == '/') value.pop_back();
    }
    if (!key.empty()) c.query[key] = value;
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
  }

  if (match->needs_engine && !c.engine) {
    fail(Status::Unavailable("recd is still restoring its state; retry shortly"));
  } else {
    match->fn(c);
  }
  metrics_.Record(match->metric_id, response.status, (MonotonicMicros() - start_us) / 1e6);
}

}  // namespace recd
