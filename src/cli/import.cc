#include "cli/import.h"

#include <simdjson.h>
#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <functional>
#include <map>

#include "data/text_input.h"
#include "server/json_codec.h"

namespace recd::cli {

namespace {

constexpr size_t kBatch = 10000;
constexpr int kMaxReportedErrors = 10;

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// `dir/name`, or `dir/name.zst` when only the compressed file exists.
std::string FindInDir(const std::string& dir, const std::string& name) {
  std::string plain = dir + "/" + name;
  return Exists(plain) || !Exists(plain + ".zst") ? plain : plain + ".zst";
}

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

Status ImportMovieLens100k(Importer& im, const std::string& dir) {
  static const char* kGenres[] = {"unknown", "Action", "Adventure", "Animation", "Children's",
                                  "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
                                  "Film-Noir", "Horror", "Musical", "Mystery", "Romance",
                                  "Sci-Fi", "Thriller", "War", "Western"};
  std::vector<Item> items;
  LineReader reader;
  RECD_RETURN_IF_ERROR(reader.Open(FindInDir(dir, "u.item")));
  std::string line;
  while (reader.Next(&line)) {
    std::vector<std::string> f = SplitCsv(Latin1ToUtf8(line), '|');
    if (f.size() < 5 + 19) continue;
    Item item;
    item.key = f[0];
    item.title = f[1];
    for (int g = 0; g < 19; ++g) {
      if (f[5 + g] == "1") item.categories.push_back(kGenres[g]);
    }
    items.push_back(std::move(item));
  }
  RECD_RETURN_IF_ERROR(reader.Close());
  RECD_RETURN_IF_ERROR(im.AddItems(std::move(items)));
  return im.ForEachLine(FindInDir(dir, "u.data"), "ratings", false, [&](const std::string& l, const std::string& where) {
    std::vector<std::string> f = SplitCsv(l, '\t');
    if (f.size() < 4) return im.Reject(where, "expected user, item, rating, timestamp");
    Event e;
    e.user_key = f[0];
    e.item_key = f[1];
    e.type = EventType::kRating;
    try {
      e.value = std::stod(f[2]);
      e.timestamp_ms = std::stoll(f[3]) * 1000;
    } catch (const std::exception&) {
      return im.Reject(where, "rating/timestamp: not a number");
    }
    im.AddEvent(std::move(e), where);
  });
}

Status ImportMlLatestSmall(Importer& im, const std::string& dir) {
  std::vector<Item> items;
  RECD_RETURN_IF_ERROR(im.ForEachLine(FindInDir(dir, "movies.csv"), "movies", true,
                                      [&](const std::string& line, const std::string& where) {
    std::vector<std::string> f = SplitCsv(line, ',');
    if (f.size() < 3) return im.Reject(where, "expected movieId, title, genres");
    Item item;
    item.key = f[0];
    item.title = f[1];
    for (const std::string& g : SplitCsv(f[2], '|')) {
      if (g != "(no genres listed)") item.categories.push_back(g);
    }
    items.push_back(std::move(item));
  }));
  RECD_RETURN_IF_ERROR(im.AddItems(std::move(items)));
  return im.ForEachLine(FindInDir(dir, "ratings.csv"), "ratings", true, [&](const std::string& line, const std::string& where) {
    std::vector<std::string> f = SplitCsv(line, ',');
    if (f.size() < 4) return im.Reject(where, "expected userId, movieId, rating, timestamp");
    Event e;
    e.user_key = f[0];
    e.item_key = f[1];
    e.type = EventType::kRating;
    try {
      e.value = std::stod(f[2]);
      e.timestamp_ms = std::stoll(f[3]) * 1000;
    } catch (const std::exception&) {
      return im.Reject(where, "rating/timestamp: not a number");
    }
    im.AddEvent(std::move(e), where);
  });
}

Status ImportAmazonReviews(Importer& im, const std::string& path) {
  simdjson::dom::parser parser;
  return im.ForEachLine(path, "reviews", false, [&](const std::string& line, const std::string& where) {
    simdjson::dom::element doc;
    if (parser.parse(line).get(doc) != simdjson::SUCCESS) return im.Reject(where, "malformed JSON");
    std::string_view user, item;
    double rating = 0;
    int64_t seconds = 0;
    if (doc["reviewerID"].get(user) || doc["asin"].get(item) || doc["overall"].get(rating) ||
        doc["unixReviewTime"].get(seconds)) {
      return im.Reject(where, "expected reviewerID, asin, overall, unixReviewTime");
    }
    Event e;
    e.user_key = std::string(user);
    e.item_key = std::string(item);
    e.type = EventType::kRating;
    e.value = rating;
    e.timestamp_ms = seconds * 1000;
    im.AddEvent(std::move(e), where);
  });
}

Status ImportDiginetica(Importer& im, const std::string& path) {
  return im.ForEachLine(path, "views", true, [&](const std::string& line, const std::string& where) {
    std::vector<std::string> f = SplitCsv(line, ';');
    if (f.size() < 5) return im.Reject(where, "expected session_id;user_id;item_id;timeframe;eventdate");
    std::tm tm{};
    if (!strptime(f[4].c_str(), "%Y-%m-%d", &tm)) return im.Reject(where, "eventdate: expected YYYY-MM-DD");
    Event e;
    e.session_key = f[0];
    if (f[1] != "NA" && !f[1].empty()) e.user_key = f[1];
    e.item_key = f[2];
    e.type = EventType::kView;
    try {
      e.timestamp_ms = static_cast<int64_t>(timegm(&tm)) * 1000 + std::stoll(f[3]);
    } catch (const std::exception&) {
      return im.Reject(where, "timeframe: not a number");
    }
    im.AddEvent(std::move(e), where);
  });
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

const std::vector<std::string>& ImportFormats() {
  static const std::vector<std::string> formats = {"events", "catalog", "movielens-100k",
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
  if (format == "movielens-100k") return ImportMovieLens100k(im, path);
  if (format == "ml-latest-small") return ImportMlLatestSmall(im, path);
  if (format == "amazon-reviews") return ImportAmazonReviews(im, path);
  if (format == "diginetica") return ImportDiginetica(im, path);
  return Status::InvalidArgument("unknown import format '" + format + "'");
}

}  // namespace recd::cli
