#include "server/webhooks.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "core/clock.h"
#include "server/http_client.h"
#include "storage/store.h"

namespace recd {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

void Field(Writer& w, std::string_view key, std::string_view value) {
  Str(w, key);
  Str(w, value);
}

void Field(Writer& w, std::string_view key, const std::vector<std::string>& values) {
  Str(w, key);
  w.StartArray();
  for (const std::string& v : values) Str(w, v);
  w.EndArray();
}

void Field(Writer& w, std::string_view key, int64_t value) {
  Str(w, key);
  w.Int64(value);
}

std::string Encode(const Webhook& h) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Field(w, "id", h.id);
  Field(w, "url", h.url);
  Field(w, "secret", h.secret);
  Field(w, "triggers", h.triggers);
  Field(w, "users", h.users);
  Field(w, "created_ms", h.created_ms);
  w.EndObject();
  return buf.GetString();
}

std::string Encode(const Delivery& d) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Field(w, "id", d.id);
  Field(w, "webhook", d.webhook_id);
  Field(w, "body", d.body);
  Field(w, "attempts", d.attempts);
  Field(w, "next_ms", d.next_ms);
  Field(w, "last_error", d.last_error);
  w.EndObject();
  return buf.GetString();
}

std::vector<std::string> Strings(simdjson::dom::element e) {
  std::vector<std::string> out;
  simdjson::dom::array a;
  if (e.get_array().get(a)) return out;
  for (simdjson::dom::element x : a) {
    std::string_view s;
    if (!x.get_string().get(s)) out.emplace_back(s);
  }
  return out;
}

bool Decode(std::string_view json, Webhook* h) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(json.data(), json.size()).get(e)) return false;
  std::string_view s;
  if (e["id"].get_string().get(s)) return false;
  h->id = s;
  if (e["url"].get_string().get(s)) return false;
  h->url = s;
  if (e["secret"].get_string().get(s)) return false;
  h->secret = s;
  simdjson::dom::element list;
  if (!e["triggers"].get(list)) h->triggers = Strings(list);
  if (!e["users"].get(list)) h->users = Strings(list);
  int64_t created = 0;
  if (e["created_ms"].get_int64().get(created)) return false;
  h->created_ms = created;
  return true;
}

bool Decode(std::string_view json, Delivery* d) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(json.data(), json.size()).get(e)) return false;
  std::string_view s;
  int64_t attempts = 0, next = 0;
  if (e["id"].get_string().get(s)) return false;
  d->id = s;
  if (e["webhook"].get_string().get(s)) return false;
  d->webhook_id = s;
  if (e["body"].get_string().get(s)) return false;
  d->body = s;
  if (e["attempts"].get_int64().get(attempts) || e["next_ms"].get_int64().get(next)) return false;
  d->attempts = static_cast<int>(attempts);
  d->next_ms = next;
  if (!e["last_error"].get_string().get(s)) d->last_error = s;
  return true;
}

struct Url {
  std::string host, path;
  uint16_t port = 80;
  bool tls = false;
};

// http[s]://host[:port][/path].
Status ParseUrl(const std::string& url, Url* out) {
  out->tls = url.rfind("https://", 0) == 0;
  if (!out->tls && url.rfind("http://", 0) != 0) {
    return Status::InvalidArgument("url: expected https://host[:port]/path or http://..., got '" + url + "'");
  }
  out->port = out->tls ? 443 : 80;
  std::string rest = url.substr(out->tls ? 8 : 7);
  const size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  out->path = slash == std::string::npos ? "/" : rest.substr(slash);
  const size_t colon = authority.rfind(':');
  out->host = authority.substr(0, colon);
  if (colon != std::string::npos) {
    int port = 0;
    try {
      size_t used = 0;
      port = std::stoi(authority.substr(colon + 1), &used);
      if (used != authority.size() - colon - 1) port = 0;
    } catch (const std::exception&) {
      port = 0;
    }
    if (port <= 0 || port > 65535) return Status::InvalidArgument("url: bad port in '" + url + "'");
    out->port = static_cast<uint16_t>(port);
  }
  if (out->host.empty()) return Status::InvalidArgument("url: no host in '" + url + "'");
  return Status::OK();
}

std::string RandomHex(size_t bytes) {
  std::random_device rd;
  std::string out;
  static const char* kHex = "0123456789abcdef";
  for (size_t i = 0; i < bytes; ++i) {
    const unsigned v = rd() & 0xff;
    out += kHex[v >> 4];
    out += kHex[v & 15];
  }
  return out;
}

}  // namespace

std::string HmacSha256Hex(const std::string& key, const std::string& message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &len);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

const std::vector<std::string>& Webhooks::Triggers() {
  static const std::vector<std::string> triggers = {"new_recommendations", "price_drop", "back_in_stock"};
  return triggers;
}

Webhooks::Webhooks(std::unique_ptr<Store> store, WebhookOptions options)
    : options_(options), store_(std::move(store)) {}

Result<std::unique_ptr<Webhooks>> Webhooks::Open(const std::string& dir, const WebhookOptions& options) {
  Result<std::unique_ptr<Store>> store = Store::Open(dir);
  if (!store.ok()) return store.status();
  std::unique_ptr<Webhooks> w(new Webhooks(std::move(store).value(), options));
  Status bad;
  Status st = w->store_->Scan(Cf::kMeta, "", [&](std::string_view key, std::string_view value) {
    const bool ok = key.rfind("hook/", 0) == 0      ? [&] { Webhook h; return Decode(value, &h) && w->hooks_.emplace(h.id, h).second; }()
                    : key.rfind("pending/", 0) == 0 ? [&] { Delivery d; return Decode(value, &d) && w->pending_.emplace(d.id, d).second; }()
                    : key.rfind("dead/", 0) == 0    ? [&] { Delivery d; return Decode(value, &d) && w->dead_.emplace(d.id, d).second; }()
                    : key == "seq"                  ? (w->next_seq_ = Store::DecodeSeq(value), true)
                                                    : true;
    if (!ok) bad = Status::Corruption("webhooks: unreadable record '" + std::string(key) + "'");
    return ok;
  });
  RECD_RETURN_IF_ERROR(st);
  RECD_RETURN_IF_ERROR(bad);
  w->worker_ = std::thread([p = w.get()] { p->Loop(); });
  return w;
}

Webhooks::~Webhooks() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

Result<Webhook> Webhooks::Register(Webhook hook) {
  Url url;
  RECD_RETURN_IF_ERROR(ParseUrl(hook.url, &url));
  if (hook.triggers.empty()) return Status::InvalidArgument("triggers: at least one of new_recommendations, price_drop, back_in_stock");
  for (const std::string& t : hook.triggers) {
    if (std::find(Triggers().begin(), Triggers().end(), t) == Triggers().end()) {
      return Status::InvalidArgument("triggers: unknown trigger '" + t + "' (expected new_recommendations, price_drop or back_in_stock)");
    }
  }
  if (hook.secret.empty()) hook.secret = RandomHex(16);
  hook.created_ms = NowMs();
  std::lock_guard<std::mutex> lock(mu_);
  hook.id = "wh-" + std::to_string(++next_seq_);
  WriteBatch batch = store_->NewBatch();
  batch.Put(Cf::kMeta, "hook/" + hook.id, Encode(hook));
  batch.Put(Cf::kMeta, "seq", Store::EncodeSeq(next_seq_));
  RECD_RETURN_IF_ERROR(store_->Write(batch, /*sync=*/true));
  hooks_[hook.id] = hook;
  return hook;
}

std::vector<Webhook> Webhooks::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Webhook> out;
  for (const auto& [id, h] : hooks_) out.push_back(h);
  return out;
}

Status Webhooks::Remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!hooks_.count(id)) return Status::NotFound("webhook '" + id + "' is unknown");
  WriteBatch batch = store_->NewBatch();
  batch.Delete(Cf::kMeta, "hook/" + id);
  RECD_RETURN_IF_ERROR(store_->Write(batch, /*sync=*/true));
  hooks_.erase(id);
  return Status::OK();
}

bool Webhooks::Wants(const std::string& trigger, const std::string& user) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, h] : hooks_) {
    if (std::find(h.triggers.begin(), h.triggers.end(), trigger) == h.triggers.end()) continue;
    if (h.users.empty() || std::find(h.users.begin(), h.users.end(), user) != h.users.end()) return true;
  }
  return false;
}

Status Webhooks::Fire(const std::string& trigger, const std::string& user, const std::string& data_json) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Delivery> made;
  WriteBatch batch = store_->NewBatch();
  const int64_t now = NowMs();
  for (const auto& [id, h] : hooks_) {
    if (std::find(h.triggers.begin(), h.triggers.end(), trigger) == h.triggers.end()) continue;
    if (!h.users.empty() && std::find(h.users.begin(), h.users.end(), user) == h.users.end()) continue;
    Delivery d;
    d.id = "dl-" + std::to_string(++next_seq_);
    d.webhook_id = id;
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    Field(w, "id", d.id);
    Field(w, "webhook", id);
    Field(w, "trigger", trigger);
    Field(w, "user", user);
    Field(w, "created_ms", now);
    Str(w, "data");
    w.RawValue(data_json.data(), data_json.size(), rapidjson::kObjectType);
    w.EndObject();
    d.body = buf.GetString();
    d.next_ms = now;
    batch.Put(Cf::kMeta, "pending/" + d.id, Encode(d));
    made.push_back(std::move(d));
  }
  if (made.empty()) return Status::OK();
  batch.Put(Cf::kMeta, "seq", Store::EncodeSeq(next_seq_));
  RECD_RETURN_IF_ERROR(store_->Write(batch, /*sync=*/true));
  for (Delivery& d : made) pending_.emplace(d.id, std::move(d));
  cv_.notify_all();
  return Status::OK();
}

std::vector<Delivery> Webhooks::Pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Delivery> out;
  for (const auto& [id, d] : pending_) out.push_back(d);
  return out;
}

std::vector<Delivery> Webhooks::DeadLetters() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Delivery> out;
  for (const auto& [id, d] : dead_) out.push_back(d);
  return out;
}

bool Webhooks::WaitIdle(int64_t timeout_ms) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return pending_.empty() && !attempting_; });
}

void Webhooks::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    const Delivery* due = nullptr;
    for (const auto& [id, d] : pending_) {
      if (!due || d.next_ms < due->next_ms) due = &d;
    }
    if (!due) {
      cv_.wait(lock);
      continue;
    }
    const int64_t wait_ms = due->next_ms - NowMs();
    if (wait_ms > 0) {
      cv_.wait_for(lock, std::chrono::milliseconds(wait_ms));
      continue;
    }
    Delivery d = *due;
    attempting_ = true;
    lock.unlock();
    Attempt(std::move(d));
    lock.lock();
    attempting_ = false;
    cv_.notify_all();
  }
}

void Webhooks::Attempt(Delivery d) {
  Webhook hook;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = hooks_.find(d.webhook_id);
    if (it != hooks_.end()) hook = it->second;
  }
  std::string error;
  if (hook.id.empty()) {
    error = "webhook removed";
  } else {
    Url url;
    Status st = ParseUrl(hook.url, &url);
    if (st.ok()) {
      HttpClient client(url.host, url.port, {url.tls, options_.ca_file});
      Result<HttpResult> r = client.Request(
          "POST", url.path, d.body, "application/json",
          {{"X-Recd-Signature", "sha256=" + HmacSha256Hex(hook.secret, d.body)},
           {"Idempotency-Key", d.id},
           {"X-Recd-Attempt", std::to_string(d.attempts + 1)}},
          std::chrono::milliseconds(options_.timeout_ms));
      if (!r.ok()) {
        error = r.status().ToString();
      } else if (r->status < 200 || r->status > 299) {
        error = "HTTP " + std::to_string(r->status);
      }
    } else {
      error = st.ToString();
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  WriteBatch batch = store_->NewBatch();
  batch.Delete(Cf::kMeta, "pending/" + d.id);
  ++d.attempts;
  d.last_error = error;
  const bool delivered = error.empty();
  const bool dead = !delivered && (d.attempts >= options_.max_attempts || hook.id.empty());
  if (dead) {
    batch.Put(Cf::kMeta, "dead/" + d.id, Encode(d));
  } else if (!delivered) {
    const int64_t backoff = std::min(options_.retry_max_ms, options_.retry_base_ms << std::min(d.attempts - 1, 30));
    d.next_ms = NowMs() + backoff;
    batch.Put(Cf::kMeta, "pending/" + d.id, Encode(d));
  }
  const bool stored = store_->Write(batch, /*sync=*/true).ok();
  // Memory follows the outcome even when the store write failed: a delivered one is not sent
  // again by this process (on disk it stays pending, so a restart resends it under the same
  // key, which receivers dedupe), and a failed one keeps its attempt count, so it still ends in
  // the dead letters.
  pending_.erase(d.id);
  if (dead) dead_[d.id] = d;
  if (!delivered && !dead) {
    if (!stored) d.next_ms = NowMs() + options_.retry_base_ms;
    pending_[d.id] = d;
  }
}

}  // namespace recd
