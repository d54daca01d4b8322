#include "config/config.h"

#include <toml++/toml.h>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <sstream>

namespace recd {

namespace {

template <typename T>
Status ParseNumber(std::string_view text, T* out, T min, T max) {
  T v{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return Status::InvalidArgument("expected a number, got '" + std::string(text) + "'");
  }
  if (v < min || v > max) {
    std::ostringstream msg;
    msg << "must be between " << min << " and " << max << ", got " << v;
    return Status::InvalidArgument(msg.str());
  }
  *out = v;
  return Status::OK();
}

template <typename T>
std::string Show(T v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

template <typename T>
ConfigKey Number(std::string name, std::string description, T Options::*field, T min, T max) {
  return {std::move(name), std::move(description),
          [field](const Options& o) { return Show(o.*field); },
          [field, min, max](Options& o, std::string_view v) { return ParseNumber(v, &(o.*field), min, max); }};
}

ConfigKey Text(std::string name, std::string description, std::string Options::*field) {
  return {std::move(name), std::move(description), [field](const Options& o) { return o.*field; },
          [field](Options& o, std::string_view v) {
            if (v.empty()) return Status::InvalidArgument("must not be empty");
            o.*field = std::string(v);
            return Status::OK();
          }};
}

// A list of strings: an array in TOML, ';'-separated in the environment and on the command line.
ConfigKey List(std::string name, std::string description, std::vector<std::string> Options::*field) {
  return {std::move(name), std::move(description),
          [field](const Options& o) {
            std::string s;
            for (const std::string& e : o.*field) s += (s.empty() ? "" : ";") + e;
            return s;
          },
          [field](Options& o, std::string_view v) {
            std::vector<std::string> list;
            while (!v.empty()) {
              size_t semi = v.find(';');
              std::string_view e = v.substr(0, semi);
              while (!e.empty() && e.front() == ' ') e.remove_prefix(1);
              while (!e.empty() && e.back() == ' ') e.remove_suffix(1);
              if (!e.empty()) list.emplace_back(e);
              v = semi == std::string_view::npos ? std::string_view() : v.substr(semi + 1);
            }
            o.*field = std::move(list);
            return Status::OK();
          }};
}

// A file path that may be empty (unset).
ConfigKey OptionalPath(std::string name, std::string description, std::string Options::*field) {
  return {std::move(name), std::move(description), [field](const Options& o) { return o.*field; },
          [field](Options& o, std::string_view v) {
            o.*field = std::string(v);
            return Status::OK();
          }};
}

ConfigKey Weight(EventType type) {
  const int t = static_cast<int>(type);
  std::string name = "events.weights." + std::string(EventTypeName(type));
  return {name, "weight of a '" + std::string(EventTypeName(type)) + "' event",
          [t](const Options& o) { return Show(o.event_weights[t]); },
          [t](Options& o, std::string_view v) {
            return ParseNumber(v, &o.event_weights[t], -1000.0, 1000.0);
          }};
}

std::vector<ConfigKey> MakeKeys() {
  constexpr double kHuge = 1e9;
  std::vector<ConfigKey> keys = {
      Text("storage.data_dir", "RocksDB data directory (created if missing)", &Options::data_dir),
      Text("server.listen", "HOST:PORT to serve HTTP on; port 0 picks a free one", &Options::listen),
      Number("server.http_threads", "threads running the HTTP I/O loop", &Options::http_threads, 1, 64),
      Number<uint64_t>("server.max_body_bytes", "larger request bodies are refused with 413",
                       &Options::max_body_bytes, 1024, uint64_t{1} << 32),
  };
  for (int t = 0; t < kNumEventTypes; ++t) keys.push_back(Weight(static_cast<EventType>(t)));
  keys.push_back({"events.exclude_types",
                  "event types after which an item is no longer recommended to that shopper "
                  "(comma-separated in the environment)",
                  [](const Options& o) {
                    std::string s;
                    for (EventType t : o.exclude_types) s += (s.empty() ? "" : ",") + std::string(EventTypeName(t));
                    return s;
                  },
                  [](Options& o, std::string_view v) {
                    std::vector<EventType> types;
                    while (!v.empty()) {
                      size_t comma = v.find_first_of(",;");
                      std::string_view name = v.substr(0, comma);
                      while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front()))) name.remove_prefix(1);
                      while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.remove_suffix(1);
                      std::optional<EventType> t = ParseEventType(name);
                      if (!t) return Status::InvalidArgument("unknown event type '" + std::string(name) + "'");
                      types.push_back(*t);
                      v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
                    }
                    o.exclude_types = std::move(types);
                    return Status::OK();
                  }});
  std::vector<ConfigKey> rest = {
      Number<int64_t>("events.max_future_ms", "events stamped further ahead than this are rejected",
                      &Options::max_future_ms, 0, int64_t{365} * 24 * 3600 * 1000),
      Number("sessions.gap_minutes", "inactivity after which a user's events start a new derived session; 0: no derivation",
             &Options::session_gap_minutes, 0, 1000000),
      Number("sessions.ttl_minutes", "a session inactive this long no longer serves its history; 0: never",
             &Options::session_ttl_minutes, 0, 100000000),
      Number("online.history_size", "recent events kept per shopper for live scoring",
             &Options::history_size, 1, 100000),
      Number("online.popularity_half_life_hours", "half-life of the popularity counters",
             &Options::popularity_half_life_hours, 0.01, kHuge),
      Number("online.trending_short_half_life_hours", "half-life of the 'now' window of trending",
             &Options::trending_short_half_life_hours, 0.01, kHuge),
      Number("online.trending_long_half_life_hours", "half-life of the baseline window of trending",
             &Options::trending_long_half_life_hours, 0.01, kHuge),
      Number("recommend.exploration_share",
             "share of a personalized list given to new items (floor(n x share) places at its end)",
             &Options::exploration_share, 0.0, 1.0),
      Number("recommend.exploration_max_events", "an item with fewer events than this is new, for exploration",
             &Options::exploration_max_events, 1, 1000000000),
      List("recommend.cohort_attributes",
           "user attributes whose values form cohorts: a shopper with no history gets their cohorts' popular items",
           &Options::cohort_attributes),
      Number("models.history_decay", "weight of the i-th most recent history event is decay^i",
             &Options::history_decay, 0.0, 1.0),
      Number("models.itemknn.neighbors", "neighbours kept per item at build time",
             &Options::knn_neighbors, 1, 10000),
      Number("models.itemknn.shrink", "shrinkage of cosine similarity for rarely seen items",
             &Options::knn_shrink, 0.0, kHuge),
      Number("models.itemknn.max_user_items", "most recent items per shopper used in training",
             &Options::knn_max_user_items, 1, 1000000),
      Number("models.itemknn.history_items",
             "a request scores at most this many of the shopper's items, the strongest first",
             &Options::knn_history_items, 1, 100000),
      List("models.blend",
           "models blended into personalized lists, \"SPEC\" or \"WEIGHT*SPEC\" (';'-separated in the environment)",
           &Options::blend_models),
      Text("search.language", "Snowball stemmer of the text index (english, french, german, ...) or none",
           &Options::search_language),
      Number("search.text_weight", "weight of text relevance (BM25, scaled to the best hit) in search scores",
             &Options::search_text_weight, 0.0, 1e6),
      Number("search.affinity_weight", "weight of the shopper's affinity in search scores",
             &Options::search_affinity_weight, 0.0, 1e6),
      Number("search.popularity_weight", "weight of popularity in search scores",
             &Options::search_popularity_weight, 0.0, 1e6),
      Number("search.chosen_weight",
             "weight of what shoppers chose after the same query (events carrying the search's recomm_id)",
             &Options::search_chosen_weight, 0.0, 1e6),
      Number("search.title_weight", "within-document weight of an item's title in the text index",
             &Options::search_title_weight, 0, 100),
      Number("search.brand_weight", "within-document weight of an item's brand in the text index",
             &Options::search_brand_weight, 0, 100),
      Number("search.category_weight", "within-document weight of an item's category paths in the text index",
             &Options::search_category_weight, 0, 100),
      Number("search.description_weight", "within-document weight of an item's description in the text index",
             &Options::search_description_weight, 0, 100),
      Number("search.property_weight", "within-document weight of the indexed item properties",
             &Options::search_property_weight, 0, 100),
      List("search.properties",
           "item properties indexed for search and read by content models as tags (string values or arrays of them)",
           &Options::search_properties),
      Number("push.min_new_items",
             "an open stream is sent a fresh list when at least this many items entered its top n",
             &Options::push_min_new_items, 1, 100000),
      Number("push.heartbeat_seconds", "a heartbeat comment on an otherwise quiet stream every so many seconds",
             &Options::push_heartbeat_seconds, 1, 3600),
      Text("dashboard.report", "the evaluation report (recd eval --html) the dashboard shows; a relative path is within storage.data_dir",
           &Options::dashboard_report),
      Number("webhooks.max_attempts", "attempts of a webhook delivery before it goes to the dead-letter list",
             &Options::webhook_max_attempts, 1, 1000),
      Number("webhooks.retry_base_seconds", "the n-th retry of a delivery waits this x 2^(n-1) seconds (at most an hour)",
             &Options::webhook_retry_base_seconds, 0.001, 3600.0),
      Number("webhooks.timeout_seconds", "time allowed for one delivery attempt",
             &Options::webhook_timeout_seconds, 0.1, 600.0),
      OptionalPath("webhooks.ca_file", "PEM file of further CAs trusted for https receivers (the system's are always)",
                   &Options::webhook_ca_file),
      Number("training.retrain_interval_seconds", "scheduled retrain period; 0 disables it",
             &Options::retrain_interval_seconds, 0, 365 * 24 * 3600),
      Number("training.retrain_min_new_events",
             "a scheduled retrain is skipped until this many new events arrived",
             &Options::retrain_min_new_events, 0, 2000000000),
      Number("recommend.default_n", "list length when a request names none", &Options::default_n, 1, 10000),
      Number("recommend.max_n", "longest list a request may ask for", &Options::max_n, 1, 100000),
  };
  for (auto& k : rest) keys.push_back(std::move(k));
  return keys;
}

std::string NodeToString(const toml::node& node, bool* ok) {
  *ok = true;
  if (auto s = node.value<std::string>(); s && node.is_string()) return *s;
  if (node.is_integer()) return std::to_string(*node.value<int64_t>());
  if (node.is_floating_point()) return Show(*node.value<double>());
  if (node.is_boolean()) return *node.value<bool>() ? "true" : "false";
  if (const toml::array* arr = node.as_array()) {
    std::string joined;
    for (const toml::node& el : *arr) {
      if (!el.is_string()) {
        *ok = false;
        return "";
      }
      joined += (joined.empty() ? "" : ";") + *el.value<std::string>();
    }
    return joined;
  }
  *ok = false;
  return "";
}

Status Walk(const toml::table& table, const std::string& prefix, const std::string& path, Options* options) {
  for (const auto& [k, node] : table) {
    std::string name = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const toml::table* sub = node.as_table()) {
      RECD_RETURN_IF_ERROR(Walk(*sub, name, path, options));
      continue;
    }
    bool ok = false;
    std::string value = NodeToString(node, &ok);
    const std::string where = path + ":" + std::to_string(node.source().begin.line) + ": " + name + ": ";
    if (!ok) return Status::InvalidArgument(where + "unsupported value type");
    Status st = SetConfig(options, name, value);
    if (!st.ok()) return Status::InvalidArgument(where + st.message());
  }
  return Status::OK();
}

}  // namespace

std::string ConfigKey::EnvName() const {
  std::string env = "RECD_";
  for (char c : name) env += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return env;
}

const std::vector<ConfigKey>& ConfigKeys() {
  static const std::vector<ConfigKey> keys = MakeKeys();
  return keys;
}

Status SetConfig(Options* options, std::string_view name, std::string_view value) {
  for (const ConfigKey& key : ConfigKeys()) {
    if (key.name == name) return key.set(*options, value);
  }
  return Status::InvalidArgument("unknown configuration key '" + std::string(name) + "'");
}

Status LoadConfigFile(const std::string& path, Options* options) {
  // This build of toml++ reports errors by exception; none leaves this function.
  try {
    toml::table table = toml::parse_file(path);
    return Walk(table, "", path, options);
  } catch (const toml::parse_error& err) {
    std::string where = path;
    if (err.source().begin.line > 0) {
      where += ":" + std::to_string(err.source().begin.line) + ":" +
               std::to_string(err.source().begin.column);
    }
    return Status::InvalidArgument(where + ": " + std::string(err.description()));
  }
}

Status ApplyEnvironment(Options* options) {
  for (const ConfigKey& key : ConfigKeys()) {
    if (const char* v = std::getenv(key.EnvName().c_str())) {
      Status st = key.set(*options, v);
      if (!st.ok()) return Status::InvalidArgument(key.EnvName() + ": " + st.message());
    }
  }
  return Status::OK();
}

std::string ConfigReference() {
  const Options defaults;
  std::string md =
      "# Configuration reference\n\n"
      "<!-- Generated by `recd config-reference`; tests/config_test.cc keeps it equal to the code. -->\n\n"
      "recd reads one TOML file (`recd serve --config FILE`), then `RECD_*` environment variables,\n"
      "then command-line flags; each later source overrides the earlier. Dotted names are TOML\n"
      "tables: `server.listen` is `listen` in a `[server]` table.\n\n"
      "```toml\n[server]\nlisten = \"127.0.0.1:8080\"\n\n[events.weights]\npurchase = 20\n\n"
      "[events]\nexclude_types = [\"purchase\", \"dislike\"]\n\n"
      "[models]\nblend = [\"0.5*ease(l2=500)\", \"als(factors=64,reg=50,alpha=5)\"]\n```\n\n"
      "| key | environment variable | default | meaning |\n|---|---|---|---|\n";
  for (const ConfigKey& key : ConfigKeys()) {
    md += "| `" + key.name + "` | `" + key.EnvName() + "` | `" + key.get(defaults) + "` | " +
          key.description + " |\n";
  }
  return md;
}

}  // namespace recd
