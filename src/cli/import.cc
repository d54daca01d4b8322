#include "cli/import.h"


#include <cstdio>
#include <ctime>
#include <functional>
#include <map>

#include "data/dataset.h"
#include "data/text_input.h"
#include "server/json_codec.h"

namespace recd::cli {

namespace {

constexpr size_t kBatch = 10000;
constexpr int kMaxReportedErrors = 10;

class Importer {
 public:
  Importer(Engine& engine, ImportStats* stats) : engine_(engine), stats_(stats) {}

  void Reject(const std::string& where, const std::string& message) {
    ++stats_->rejected;
    if (++errors_ <= kMaxReportedErrors) std::fprintf(stderr, "\n%s: %s\n", where.c_str(), message.c_str());
    if (errors_ == kMaxReportedErrors + 1) std::fprintf(stderr, "(further errors not shown)\n");
  }

  void AddEvent(Event e, std::string where) {
    events_.push_back(std::move(e));
    where_.push_back(std::move(where));
    if (events_.size() >= kBatch) FlushEvents();
  }

  void FlushEvents() {
    if (events_.empty()) return;
    std::vector<Status> statuses = engine_.Ingest(std::move(events_));
    for (size_t i = 0; i < statuses.size(); ++i) {
      if (statuses[i].ok()) {
        ++stats_->events;
      } else if (statuses[i].IsInvalidArgument()) {
        Reject(where_[i], statuses[i].message());
      } else if (fatal_.ok()) {
        fatal_ = statuses[i];  // the store failed: stop, do not count it as a bad line
      }
    }
    events_.clear();
    where_.clear();
  }

  Status AddUser(const User& user) {
    RECD_RETURN_IF_ERROR(engine_.UpsertUser(user));
    ++stats_->users;
    return Status::OK();
  }

  Status AddItems(std::vector<Item> items) {
    size_t n = items.size();
    RECD_RETURN_IF_ERROR(engine_.UpsertItems(std::move(items)));
    stats_->items += n;
    return Status::OK();
  }

  // Reads `path` line by line with a progress bar, calling fn(line, where) for each line after
  // the first `skip_header` ones.
  Status ForEachLine(const std::string& path, const std::string& what, bool skip_header,
                     const std::function<void(const std::string&, const std::string&)>& fn,
                     std::string* header = nullptr) {
    LineReader reader;
    RECD_RETURN_IF_ERROR(reader.Open(path));
    Progress progress(what);
    std::string line;
    if (skip_header) {
      if (!reader.Next(&line)) return Status::InvalidArgument(path + ": empty file");
      if (header) *header = line;
    }
    uint64_t count = 0;
    while (fatal_.ok() && reader.Next(&line)) {
      if (line.empty()) continue;
      const std::string where = path + ":" + std::to_string(reader.line_number());
      if (!json::ValidUtf8(line)) {
        Reject(where, "invalid UTF-8");
        continue;
      }
      fn(line, where);
      progress.Update(++count, reader.bytes_read(), reader.total_bytes());
    }
    FlushEvents();
    progress.Finish(count);
    RECD_RETURN_IF_ERROR(fatal_);
    return reader.Close();
  }

  Status status() const { return fatal_; }

 private:
  Engine& engine_;
  ImportStats* stats_;
  std::vector<Event> events_;
  std::vector<std::string> where_;
  int errors_ = 0;
  Status fatal_;
};

Status ImportEventsJsonl(Importer& im, const std::string& path) {
  return im.ForEachLine(path, "events", false, [&](const std::string& line, const std::string& where) {
    std::vector<Event> events;
    std::vector<Status> statuses;
    bool batch = false;
    Status st = json::ParseEvents(line, &events, &statuses, &batch);
    if (!st.ok()) return im.Reject(where, st.message());
    for (size_t i = 0; i < events.size(); ++i) {  // a line may hold an array of events
      if (statuses[i].ok()) {
        im.AddEvent(std::move(events[i]), where);
      } else {
        im.Reject(where, statuses[i].message());
      }
    }
  });
}

Status ImportEventsCsv(Importer& im, const std::string& path) {
  std::map<std::string, int> col;
  bool header_done = false;
  Status header_status;
  std::string header;
  return im.ForEachLine(path, "events", true, [&](const std::string& line, const std::string& where) {
    if (!header_done) {
      std::vector<std::string> names = SplitCsv(header, ',');
      for (size_t i = 0; i < names.size(); ++i) col[names[i]] = static_cast<int>(i);
      header_done = true;
    }
    std::vector<std::string> f = SplitCsv(line, ',');
    auto get = [&](const char* name) -> std::string {
      auto it = col.find(name);
      return it != col.end() && it->second < static_cast<int>(f.size()) ? f[it->second] : "";
    };
    Event e;
    e.user_key = get("user");
    e.session_key = get("session");
    e.item_key = get("item");
    e.query = get("query");
    e.recomm_id = get("recomm_id");
    std::string type = get("type");
    std::optional<EventType> t = ParseEventType(type.empty() ? "view" : type);
    if (!t) return im.Reject(where, "type: unknown event type '" + type + "'");
    e.type = *t;
    try {
      if (std::string ts = get("timestamp"); !ts.empty()) e.timestamp_ms = std::stoll(ts);
      if (std::string v = get("value"); !v.empty()) e.value = std::stod(v);
    } catch (const std::exception&) {
      return im.Reject(where, "timestamp/value: not a number");
    }
    im.AddEvent(std::move(e), where);
  }, &header);
}

Status ImportCatalogJsonl(Importer& im, const std::string& path) {
  std::vector<Item> pending;
  Status st = im.ForEachLine(path, "items", false, [&](const std::string& line, const std::string& where) {
    std::vector<Item> items;
    Status parsed = json::ParseItems(line, &items);
    if (!parsed.ok()) return im.Reject(where, parsed.message());
    for (Item& item : items) pending.push_back(std::move(item));
    if (pending.size() >= kBatch) {
      Status added = im.AddItems(std::move(pending));
      if (!added.ok()) im.Reject(where, added.message());
      pending.clear();
    }
  });
  RECD_RETURN_IF_ERROR(st);
  return pending.empty() ? Status::OK() : im.AddItems(std::move(pending));
}

// Users JSONL: {"id": "u-1", "attributes": {"age_band": "25-34", "city": "Lyon"}} per line.
// Import them before their events, so the events count for their cohorts at once.
Status ImportUsersJsonl(Importer& im, const std::string& path) {
  return im.ForEachLine(path, "users", false, [&](const std::string& line, const std::string& where) {
    User user;
    Status st = json::ParseUser(line, &user);
    if (st.ok()) st = im.AddUser(user);
    if (!st.ok()) im.Reject(where, st.message());
  });
}

// A public dataset's format: loaded whole by the data module's loader (the same one `recd eval`
// uses), then its items (titles, categories) and its interactions (ratings as `rating` events,
// session views as `view` events with the session and, when logged in, the user) are imported.
Status ImportDataset(Importer& im, const std::string& format, const std::string& path) {
  Result<Dataset> ds = LoadDatasetFormat(format, path);
  if (!ds.ok()) return ds.status();
  std::vector<Item> items;
  for (ItemIdx i = 0; i < ds->items.size(); ++i) {
    if (ds->item_titles[i].empty() && ds->item_categories[i].empty()) continue;
    Item item;
    item.key = ds->items.Key(i);
    item.title = ds->item_titles[i];
    item.categories = ds->item_categories[i];
    items.push_back(std::move(item));
  }
  if (!items.empty()) RECD_RETURN_IF_ERROR(im.AddItems(std::move(items)));
  Progress progress(format);
  size_t n = 0;
  for (const Interaction& r : ds->interactions) {
    Event e;
    if (ds->sessions) {
      e.session_key = ds->users.Key(r.user);
      e.user_key = ds->session_owner[r.user];
      e.type = EventType::kView;
    } else {
      e.user_key = ds->users.Key(r.user);
      e.type = EventType::kRating;
      e.value = r.rating;
    }
    e.item_key = ds->items.Key(r.item);
    e.timestamp_ms = r.timestamp_ms;
    im.AddEvent(std::move(e), path + ": row " + std::to_string(++n));
    progress.Update(n, n, ds->interactions.size());
  }
  im.FlushEvents();
  progress.Finish(n);
  return im.status();
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

const std::vector<std::string>& ImportFormats() {
  static const std::vector<std::string> formats = {"events", "catalog", "users", "movielens-100k",
                                                   "ml-latest-small", "amazon-reviews", "diginetica"};
  return formats;
}

Status Import(Engine& engine, const std::string& format, const std::string& path, ImportStats* stats) {
  Importer im(engine, stats);
  if (format == "events") {
    std::string plain = EndsWith(path, ".zst") ? path.substr(0, path.size() - 4) : path;
    return EndsWith(plain, ".csv") ? ImportEventsCsv(im, path) : ImportEventsJsonl(im, path);
  }
  if (format == "catalog") return ImportCatalogJsonl(im, path);
  if (format == "users") return ImportUsersJsonl(im, path);
  for (const std::string& dataset_format : DatasetFormats()) {
    if (format == dataset_format) return ImportDataset(im, format, path);
  }
  return Status::InvalidArgument("unknown import format '" + format + "'");
}

}  // namespace recd::cli
