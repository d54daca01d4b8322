#include "server/json_codec.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include <cmath>

namespace recd::json {

namespace dom = simdjson::dom;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

namespace {

Status Expected(std::string_view field, std::string_view what) {
  return Status::InvalidArgument(std::string(field) + ": expected " + std::string(what));
}

// `where` is "" or a record path ending in '.' ("events[2]."), shown as "events[2]: ".
Status Malformed(std::string_view where, simdjson::error_code err) {
  std::string prefix(where);
  if (!prefix.empty() && prefix.back() == '.') prefix.back() = ':', prefix += ' ';
  std::string msg = prefix + "malformed JSON";
  if (err == simdjson::UTF8_ERROR) msg = prefix + "invalid UTF-8";
  return Status::InvalidArgument(msg + " (" + simdjson::error_message(err) + ")");
}

Status GetString(dom::element v, std::string_view field, std::string* out) {
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS) return Expected(field, "a string");
  out->assign(s);
  return Status::OK();
}

// Keys may be given as strings or integers (many shops use numeric ids).
Status GetKey(dom::element v, std::string_view field, std::string* out) {
  if (v.is_int64()) {
    *out = std::to_string(v.get_int64().value_unsafe());
    return Status::OK();
  }
  if (v.is_uint64()) {
    *out = std::to_string(v.get_uint64().value_unsafe());
    return Status::OK();
  }
  if (!v.is_string()) return Expected(field, "a string or an integer");
  return GetString(v, field, out);
}

Status GetDouble(dom::element v, std::string_view field, double* out) {
  if (v.get_double().get(*out) != simdjson::SUCCESS || !std::isfinite(*out)) {
    return Expected(field, "a number");
  }
  return Status::OK();
}

Status GetInt(dom::element v, std::string_view field, int64_t* out) {
  if (v.get_int64().get(*out) != simdjson::SUCCESS) return Expected(field, "an integer");
  return Status::OK();
}

Status GetBool(dom::element v, std::string_view field, bool* out) {
  if (v.get_bool().get(*out) != simdjson::SUCCESS) return Expected(field, "true or false");
  return Status::OK();
}

// A JSON object kept as (minified) text.
Status GetRawObject(dom::element v, std::string_view field, std::string* out) {
  if (!v.is_object()) return Expected(field, "an object");
  *out = simdjson::minify(v);
  return Status::OK();
}

Status ParseEventObject(dom::object obj, Event* e) {
  bool has_type = false;
  for (dom::key_value_pair field : obj) {
    std::string_view key = field.key;
    dom::element v = field.value;
    if (key == "user") {
      RECD_RETURN_IF_ERROR(GetKey(v, "user", &e->user_key));
    } else if (key == "session") {
      RECD_RETURN_IF_ERROR(GetKey(v, "session", &e->session_key));
    } else if (key == "item") {
      RECD_RETURN_IF_ERROR(GetKey(v, "item", &e->item_key));
    } else if (key == "type") {
      std::string name;
      RECD_RETURN_IF_ERROR(GetString(v, "type", &name));
      std::optional<EventType> t = ParseEventType(name);
      if (!t) {
        return Status::InvalidArgument(
            "type: unknown event type '" + name +
            "' (expected view, click, add_to_cart, remove_from_cart, purchase, rating, favorite, "
            "dislike or search)");
      }
      e->type = *t;
      has_type = true;
    } else if (key == "timestamp") {
      RECD_RETURN_IF_ERROR(GetInt(v, "timestamp", &e->timestamp_ms));
      // Seconds since the epoch are the usual mistake: any date after 1973 is above 1e11 ms.
      if (e->timestamp_ms < 100000000000LL) {
        return Status::InvalidArgument("timestamp: expected milliseconds since the Unix epoch (omit it for now), got " +
                                       std::to_string(e->timestamp_ms) +
                                       (e->timestamp_ms > 0 ? ", which looks like seconds" : ""));
      }
    } else if (key == "value") {
      double d = 0;
      RECD_RETURN_IF_ERROR(GetDouble(v, "value", &d));
      e->value = d;
    } else if (key == "query") {
      RECD_RETURN_IF_ERROR(GetString(v, "query", &e->query));
    } else if (key == "recomm_id") {
      RECD_RETURN_IF_ERROR(GetString(v, "recomm_id", &e->recomm_id));
    } else if (key == "context") {
      dom::object ctx;
      if (v.get_object().get(ctx) != simdjson::SUCCESS) return Expected("context", "an object");
      for (dom::key_value_pair kv : ctx) {
        const std::string where = "context." + std::string(kv.key);
        std::string text;
        if (kv.value.is_string()) {
          RECD_RETURN_IF_ERROR(GetString(kv.value, where, &text));
        } else if (kv.value.is_object() || kv.value.is_array()) {
          return Expected(where, "a string, number or boolean");
        } else {
          text = simdjson::minify(kv.value);
        }
        e->context.emplace_back(std::string(kv.key), std::move(text));
      }
    } else {
      return Status::InvalidArgument(std::string(key) +
                                     ": unknown field (expected user, session, item, type, timestamp, "
                                     "value, query, recomm_id or context)");
    }
  }
  if (!has_type) return Status::InvalidArgument("type: required");
  return Status::OK();
}

Status ParseItemObject(dom::object obj, Item* item) {
  for (dom::key_value_pair field : obj) {
    std::string_view key = field.key;
    dom::element v = field.value;
    if (key == "id") {
      RECD_RETURN_IF_ERROR(GetKey(v, "id", &item->key));
    } else if (key == "title") {
      RECD_RETURN_IF_ERROR(GetString(v, "title", &item->title));
    } else if (key == "description") {
      RECD_RETURN_IF_ERROR(GetString(v, "description", &item->description));
    } else if (key == "brand") {
      RECD_RETURN_IF_ERROR(GetString(v, "brand", &item->brand));
    } else if (key == "categories") {
      dom::array arr;
      if (v.get_array().get(arr) != simdjson::SUCCESS) return Expected("categories", "an array of strings");
      for (dom::element el : arr) {
        std::string c;
        RECD_RETURN_IF_ERROR(GetString(el, "categories", &c));
        item->categories.push_back(std::move(c));
      }
    } else if (key == "price") {
      double p = 0;
      RECD_RETURN_IF_ERROR(GetDouble(v, "price", &p));
      item->price = p;
    } else if (key == "available") {
      RECD_RETURN_IF_ERROR(GetBool(v, "available", &item->available));
    } else if (key == "hidden") {
      RECD_RETURN_IF_ERROR(GetBool(v, "hidden", &item->hidden));
    } else if (key == "created") {
      RECD_RETURN_IF_ERROR(GetInt(v, "created", &item->created_ms));
    } else if (key == "expires") {
      RECD_RETURN_IF_ERROR(GetInt(v, "expires", &item->expires_ms));
    } else if (key == "properties") {
      RECD_RETURN_IF_ERROR(GetRawObject(v, "properties", &item->properties_json));
    } else {
      return Status::InvalidArgument(std::string(key) +
                                     ": unknown field (expected id, title, description, categories, "
                                     "brand, price, available, hidden, created, expires or properties)");
    }
  }
  return Status::OK();
}

// Parses a body that is one object or, when `many` is set, an array of objects or NDJSON, and
// calls fn(index, object, parse_status) for each record. `label` names records in errors
// ("events" -> "events[3]."). A body that is malformed as a whole fails the call.
template <typename Fn>
Status ForEachRecord(std::string_view body, std::string_view label, bool many, bool* batch, Fn&& fn) {
  *batch = false;
  if (!ValidUtf8(body)) return Status::InvalidArgument("body: invalid UTF-8");
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Status::InvalidArgument("body: empty");
  auto where = [&](size_t i) { return std::string(label) + "[" + std::to_string(i) + "]."; };
  auto expected_object = [&](size_t i) { return Expected(where(i).substr(0, where(i).size() - 1), "an object"); };
  dom::parser parser;
  dom::element whole;
  const simdjson::error_code whole_err = parser.parse(body.data(), body.size()).get(whole);
  if (body[first] == '[') {
    if (!many) return Expected("body", "one JSON object");
    if (whole_err) return Malformed("body.", whole_err);
    *batch = true;
    dom::array arr;
    if (whole.get_array().get(arr) != simdjson::SUCCESS) return Expected("body", "an array");
    size_t i = 0;
    for (dom::element el : arr) {
      dom::object obj;
      const bool is_object = el.get_object().get(obj) == simdjson::SUCCESS;
      RECD_RETURN_IF_ERROR(fn(i, obj, is_object ? Status::OK() : expected_object(i)));
      ++i;
    }
    return Status::OK();
  }
  if (!whole_err) {  // one object, possibly pretty-printed
    dom::object obj;
    if (whole.get_object().get(obj) != simdjson::SUCCESS) return Expected("body", "one JSON object");
    return fn(0, obj, Status::OK());
  }
  // NDJSON, one record per line: only when the first line is a document of its own, or every
  // line opens an object, so that a broken pretty-printed object is reported as such.
  std::vector<std::string_view> lines;
  bool all_open_objects = true;
  for (size_t start = 0; start <= body.size();) {
    size_t end = body.find('\n', start);
    std::string_view line = body.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    size_t text = line.find_first_not_of(" \t\r");
    if (text != std::string_view::npos) {
      lines.push_back(line);
      all_open_objects = all_open_objects && line[text] == '{';
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  dom::element doc;
  const bool ndjson = many && lines.size() > 1 &&
                      (all_open_objects || !parser.parse(lines[0].data(), lines[0].size()).get(doc));
  if (!ndjson) return Malformed("", whole_err);
  *batch = true;
  for (size_t i = 0; i < lines.size(); ++i) {
    dom::object obj;
    Status st;
    if (simdjson::error_code err = parser.parse(lines[i].data(), lines[i].size()).get(doc)) {
      st = Malformed(where(i), err);
    } else if (doc.get_object().get(obj) != simdjson::SUCCESS) {
      st = expected_object(i);
    }
    RECD_RETURN_IF_ERROR(fn(i, obj, st));
  }
  return Status::OK();
}

}  // namespace

bool ValidUtf8(std::string_view text) { return simdjson::validate_utf8(text.data(), text.size()); }

Status ParseEvents(std::string_view body, std::vector<Event>* events,
                   std::vector<Status>* record_status, bool* batch) {
  events->clear();
  record_status->clear();
  Status st = ForEachRecord(body, "events", /*many=*/true, batch, [&](size_t i, dom::object obj, Status parsed) {
    events->emplace_back();
    if (parsed.ok()) parsed = ParseEventObject(obj, &events->back());
    if (!parsed.ok() && *batch && parsed.message().rfind("events[", 0) != 0) {
      parsed = parsed.WithContext("events[" + std::to_string(i) + "].");
    }
    record_status->push_back(parsed);
    return Status::OK();
  });
  RECD_RETURN_IF_ERROR(st);
  if (events->empty()) return Status::InvalidArgument("body: no events");
  if (!*batch && !(*record_status)[0].ok()) return (*record_status)[0];
  return Status::OK();
}

Status ParseItem(std::string_view body, const std::string& path_key, Item* item) {
  bool batch = false;
  RECD_RETURN_IF_ERROR(ForEachRecord(body, "items", /*many=*/false, &batch, [&](size_t, dom::object obj, Status) {
    return ParseItemObject(obj, item);
  }));
  if (!item->key.empty() && item->key != path_key) {
    return Status::InvalidArgument("id: '" + item->key + "' does not match the URL's '" + path_key + "'");
  }
  item->key = path_key;
  return Status::OK();
}

Status ParseItems(std::string_view body, std::vector<Item>* items) {
  bool batch = false;
  items->clear();
  Status st = ForEachRecord(body, "items", /*many=*/true, &batch, [&](size_t i, dom::object obj, Status parsed) {
    const std::string where = "items[" + std::to_string(i) + "].";
    if (!parsed.ok()) return parsed.message().rfind("items[", 0) == 0 ? parsed : parsed.WithContext(where);
    items->emplace_back();
    RECD_RETURN_IF_ERROR(ParseItemObject(obj, &items->back()).WithContext(where));
    if (items->back().key.empty()) return Status::InvalidArgument(where + "id: required");
    return Status::OK();
  });
  RECD_RETURN_IF_ERROR(st);
  if (items->empty()) return Status::InvalidArgument("body: no items");
  return Status::OK();
}

Status ParseUserAttributes(std::string_view body, std::string* attributes_json) {
  bool batch = false;
  return ForEachRecord(body, "users", /*many=*/false, &batch, [&](size_t, dom::object obj, Status) {
    *attributes_json = simdjson::minify(obj);
    return Status::OK();
  });
}

Status ParseUser(std::string_view body, User* user) {
  bool batch = false;
  return ForEachRecord(body, "users", /*many=*/false, &batch, [&](size_t, dom::object obj, Status) {
    user->key.clear();
    user->attributes_json = "{}";
    for (auto [key, v] : obj) {
      if (key == "id") {
        RECD_RETURN_IF_ERROR(GetKey(v, "id", &user->key));
      } else if (key == "attributes") {
        dom::object attributes;
        if (v.get_object().get(attributes) != simdjson::SUCCESS) return Expected("attributes", "an object");
        user->attributes_json = simdjson::minify(attributes);
      } else {
        return Status::InvalidArgument(std::string(key) + ": unknown field (expected id, attributes)");
      }
    }
    if (user->key.empty()) return Status::InvalidArgument("id: required");
    return Status::OK();
  });
}

Status ParseWebhook(std::string_view body, Webhook* hook) {
  bool batch = false;
  return ForEachRecord(body, "webhook", /*many=*/false, &batch, [&](size_t, dom::object obj, Status) {
    auto strings = [](dom::element v, std::string_view field, std::vector<std::string>* out) {
      dom::array a;
      if (v.get_array().get(a) != simdjson::SUCCESS) return Expected(field, "an array of strings");
      for (dom::element x : a) {
        std::string s;
        RECD_RETURN_IF_ERROR(GetKey(x, field, &s));
        out->push_back(std::move(s));
      }
      return Status::OK();
    };
    for (auto [key, v] : obj) {
      if (key == "url") {
        RECD_RETURN_IF_ERROR(GetString(v, "url", &hook->url));
      } else if (key == "secret") {
        RECD_RETURN_IF_ERROR(GetString(v, "secret", &hook->secret));
      } else if (key == "triggers") {
        RECD_RETURN_IF_ERROR(strings(v, "triggers", &hook->triggers));
      } else if (key == "users") {
        RECD_RETURN_IF_ERROR(strings(v, "users", &hook->users));
      } else {
        return Status::InvalidArgument(std::string(key) + ": unknown field (expected url, triggers, users, secret)");
      }
    }
    if (hook->url.empty()) return Status::InvalidArgument("url: required");
    return Status::OK();
  });
}

// ---- writers ----

namespace {
void Str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void Key(Writer& w, std::string_view s) { w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void Raw(Writer& w, std::string_view json) {
  w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}
std::string Done(const rapidjson::StringBuffer& buf) { return std::string(buf.GetString(), buf.GetSize()); }
}  // namespace

namespace {
void WriteWebhook(Writer& w, const Webhook& h, bool with_secret) {
  w.StartObject();
  Key(w, "id");
  Str(w, h.id);
  Key(w, "url");
  Str(w, h.url);
  Key(w, "triggers");
  w.StartArray();
  for (const std::string& t : h.triggers) Str(w, t);
  w.EndArray();
  Key(w, "users");
  w.StartArray();
  for (const std::string& u : h.users) Str(w, u);
  w.EndArray();
  Key(w, "created_ms");
  w.Int64(h.created_ms);
  if (with_secret) {
    Key(w, "secret");
    Str(w, h.secret);
  }
  w.EndObject();
}

void WriteDeliveries(Writer& w, std::string_view name, const std::vector<Delivery>& list) {
  Key(w, name);
  w.StartArray();
  for (const Delivery& d : list) {
    w.StartObject();
    Key(w, "id");
    Str(w, d.id);
    Key(w, "webhook");
    Str(w, d.webhook_id);
    Key(w, "attempts");
    w.Int(d.attempts);
    Key(w, "next_ms");
    w.Int64(d.next_ms);
    Key(w, "last_error");
    Str(w, d.last_error);
    Key(w, "body");
    Raw(w, d.body);
    w.EndObject();
  }
  w.EndArray();
}
}  // namespace

std::string WebhookBody(const Webhook& hook, bool with_secret) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  WriteWebhook(w, hook, with_secret);
  return Done(buf);
}

std::string WebhooksBody(const std::vector<Webhook>& hooks) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "webhooks");
  w.StartArray();
  for (const Webhook& h : hooks) WriteWebhook(w, h, false);
  w.EndArray();
  w.EndObject();
  return Done(buf);
}

std::string DeliveriesBody(const std::vector<Delivery>& pending, const std::vector<Delivery>& dead) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  WriteDeliveries(w, "pending", pending);
  WriteDeliveries(w, "dead_letters", dead);
  w.EndObject();
  return Done(buf);
}

std::string ErrorBody(const Status& status) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "error");
  w.StartObject();
  Key(w, "code");
  Str(w, StatusCodeName(status.code()));
  Key(w, "message");
  Str(w, status.message());
  w.EndObject();
  w.EndObject();
  return Done(buf);
}

std::string RecommendationsBody(const std::vector<Recommendation>& list, std::string_view recomm_id) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  if (!recomm_id.empty()) {
    Key(w, "recomm_id");
    Str(w, recomm_id);
  }
  Key(w, "items");
  w.StartArray();
  for (const Recommendation& r : list) {
    w.StartObject();
    Key(w, "item");
    Str(w, r.item_key);
    Key(w, "score");
    w.Double(r.score);
    Key(w, "source");
    Str(w, r.source);
    Key(w, "reason");
    Str(w, r.reason);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Done(buf);
}

std::string ItemBody(const Item& item) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "id");
  Str(w, item.key);
  Key(w, "title");
  Str(w, item.title);
  Key(w, "description");
  Str(w, item.description);
  Key(w, "categories");
  w.StartArray();
  for (const auto& c : item.categories) Str(w, c);
  w.EndArray();
  Key(w, "brand");
  Str(w, item.brand);
  Key(w, "price");
  if (item.price) w.Double(*item.price); else w.Null();
  Key(w, "available");
  w.Bool(item.available);
  Key(w, "hidden");
  w.Bool(item.hidden);
  Key(w, "created");
  w.Int64(item.created_ms);
  Key(w, "expires");
  w.Int64(item.expires_ms);
  Key(w, "properties");
  Raw(w, item.properties_json);
  w.EndObject();
  return Done(buf);
}

std::string SearchBody(const std::vector<SearchHit>& hits, bool explain, std::string_view recomm_id) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "recomm_id");
  Str(w, recomm_id);
  Key(w, "items");
  w.StartArray();
  for (const SearchHit& h : hits) {
    w.StartObject();
    Key(w, "item");
    Str(w, h.item_key);
    Key(w, "score");
    w.Double(h.score);
    Key(w, "reason");
    Str(w, h.reason);
    if (explain) {
      Key(w, "explain");
      w.StartObject();
      Key(w, "text");
      w.Double(h.text);
      Key(w, "affinity");
      w.Double(h.affinity);
      Key(w, "popularity");
      w.Double(h.popularity);
      Key(w, "chosen");
      w.Double(h.chosen);
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Done(buf);
}

std::string SuggestBody(const std::vector<std::string>& suggestions) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "suggestions");
  w.StartArray();
  for (const std::string& s : suggestions) Str(w, s);
  w.EndArray();
  w.EndObject();
  return Done(buf);
}

std::string HistoryBody(const std::vector<HistoryEvent>& events) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "events");
  w.StartArray();
  for (const HistoryEvent& e : events) {
    w.StartObject();
    Key(w, "item");
    Str(w, e.item_key);
    Key(w, "type");
    Str(w, EventTypeName(e.type));
    Key(w, "timestamp");
    w.Int64(e.timestamp_ms);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Done(buf);
}

std::string InspectionBody(const std::vector<HistoryEvent>& history, const std::vector<InspectedSource>& sources,
                           const std::vector<Recommendation>& list) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "history");
  Raw(w, HistoryBody(history));
  Key(w, "sources");
  w.StartArray();
  for (const InspectedSource& s : sources) {
    w.StartObject();
    Key(w, "name");
    Str(w, s.name);
    Key(w, "candidates");
    w.StartArray();
    for (const InspectedCandidate& c : s.candidates) {
      w.StartObject();
      Key(w, "item");
      Str(w, c.item_key);
      Key(w, "score");
      w.Double(c.score);
      Key(w, "removed_by");
      Str(w, c.removed_by);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  Key(w, "list");
  Raw(w, RecommendationsBody(list, ""));
  w.EndObject();
  return Done(buf);
}

std::string UserBody(const User& user) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "id");
  Str(w, user.key);
  Key(w, "attributes");
  Raw(w, user.attributes_json.empty() ? "{}" : user.attributes_json);
  w.EndObject();
  return Done(buf);
}

std::string ModelBody(const ModelInfo& m, const EngineStats& s) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "models");
  w.StartArray();
  w.StartObject();
  Key(w, "name");
  Str(w, "itemknn");
  Key(w, "spec");
  Str(w, m.spec);
  Key(w, "version");
  w.Uint64(m.version);
  Key(w, "built_at_ms");
  w.Int64(m.built_at_ms);
  Key(w, "events_used");
  w.Uint64(m.events_used);
  Key(w, "items");
  w.Uint64(m.items);
  Key(w, "neighbor_pairs");
  w.Uint64(m.neighbor_pairs);
  Key(w, "train_ms");
  w.Int64(m.train_ms);
  w.EndObject();
  for (const BlendedModel& b : m.blend) {
    w.StartObject();
    Key(w, "name");
    Str(w, b.spec.substr(0, b.spec.find('(')));
    Key(w, "spec");
    Str(w, b.spec);
    Key(w, "weight");
    w.Double(b.weight);
    Key(w, "version");
    w.Uint64(m.version);
    Key(w, "built_at_ms");
    w.Int64(m.built_at_ms);
    Key(w, "events_used");
    w.Uint64(m.events_used);
    w.EndObject();
  }
  w.EndArray();
  Key(w, "events_total");
  w.Uint64(s.events_total);
  Key(w, "events_since_build");
  w.Uint64(s.events_since_build);
  Key(w, "items");
  w.Uint64(s.items);
  Key(w, "users");
  w.Uint64(s.users);
  Key(w, "sessions");
  w.Uint64(s.sessions);
  w.EndObject();
  return Done(buf);
}

std::string IngestBody(const std::vector<Status>& statuses) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  size_t accepted = 0;
  for (const Status& s : statuses) accepted += s.ok();
  w.StartObject();
  Key(w, "accepted");
  w.Uint64(accepted);
  Key(w, "rejected");
  w.Uint64(statuses.size() - accepted);
  Key(w, "errors");
  w.StartArray();
  for (size_t i = 0; i < statuses.size(); ++i) {
    if (statuses[i].ok()) continue;
    w.StartObject();
    Key(w, "index");
    w.Uint64(i);
    Key(w, "code");
    Str(w, StatusCodeName(statuses[i].code()));
    Key(w, "message");
    Str(w, statuses[i].message());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Done(buf);
}

}  // namespace recd::json
