#include "data/dataset.h"

#include <simdjson.h>
#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <ctime>
#include <map>

#include "data/synthetic.h"
#include "data/text_input.h"

namespace recd {

namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// `dir/name.zst` when only the compressed file exists, else `dir/name`.
std::string Find(const std::string& dir, const std::string& name) {
  std::string plain = dir + "/" + name;
  return Exists(plain) || !Exists(plain + ".zst") ? plain : plain + ".zst";
}

template <typename T>
bool Parse(std::string_view text, T* out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && p == text.data() + text.size();
}

uint32_t Intern(KeyMap& map, std::string_view key) {
  bool inserted = false;
  return map.Intern(key, &inserted);
}

void Describe(Dataset* ds, ItemIdx item, std::string title, std::vector<std::string> categories) {
  if (ds->item_categories.size() <= item) {
    ds->item_categories.resize(item + 1);
    ds->item_titles.resize(item + 1);
  }
  ds->item_categories[item] = std::move(categories);
  ds->item_titles[item] = std::move(title);
}

Status Malformed(const LineReader& r, const std::string& path, const std::string& what) {
  return Status::InvalidArgument(path + ":" + std::to_string(r.line_number()) + ": " + what);
}

// user,item,rating,timestamp (seconds) rows of MovieLens, split on `sep`.
Status AddRating(Dataset* ds, const LineReader& r, const std::string& path, const std::string& line, char sep) {
  std::vector<std::string> f = SplitCsv(line, sep);
  float rating = 0;
  int64_t seconds = 0;
  if (f.size() < 4 || !Parse(f[2], &rating) || !Parse(f[3], &seconds)) {
    return Malformed(r, path, "expected user, item, rating, timestamp");
  }
  ds->interactions.push_back({Intern(ds->users, f[0]), Intern(ds->items, f[1]), rating, seconds * 1000});
  return Status::OK();
}


// Reads `path` line by line, skipping `skip` header lines, calling fn(line) -> Status.
template <typename Fn>
Status ForEachLine(const std::string& path, int skip, Fn&& fn) {
  LineReader reader;
  RECD_RETURN_IF_ERROR(reader.Open(path));
  std::string line;
  for (int i = 0; i < skip; ++i) reader.Next(&line);
  while (reader.Next(&line)) {
    if (line.empty()) continue;
    Status st = fn(reader, line);
    if (!st.ok()) return st;
  }
  return reader.Close();
}

Status LoadMovieLens100k(const std::string& dir, Dataset* ds) {
  static const char* kGenres[] = {"unknown", "Action", "Adventure", "Animation", "Children's",
                                  "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
                                  "Film-Noir", "Horror", "Musical", "Mystery", "Romance",
                                  "Sci-Fi", "Thriller", "War", "Western"};
  const std::string items = Find(dir, "u.item");
  RECD_RETURN_IF_ERROR(ForEachLine(items, 0, [&](const LineReader& r, const std::string& line) {
    std::vector<std::string> f = SplitCsv(Latin1ToUtf8(line), '|');
    if (f.size() < 24) return Malformed(r, items, "expected 24 '|'-separated fields");
    std::vector<std::string> genres;
    for (int g = 0; g < 19; ++g) {
      if (f[5 + g] == "1") genres.push_back(kGenres[g]);
    }
    Describe(ds, Intern(ds->items, f[0]), f[1], std::move(genres));
    return Status::OK();
  }));
  const std::string data = Find(dir, "u.data");
  RECD_RETURN_IF_ERROR(ForEachLine(data, 0, [&](const LineReader& r, const std::string& line) {
    return AddRating(ds, r, data, line, '\t');
  }));
  // user id | age | gender | occupation | zip code; ages in MovieLens 1M's bands.
  const std::string users = Find(dir, "u.user");
  if (!Exists(users)) return Status::OK();
  ds->user_attributes.resize(ds->users.size());
  return ForEachLine(users, 0, [&](const LineReader& r, const std::string& line) {
    std::vector<std::string> f = SplitCsv(line, '|');
    int age = 0;
    if (f.size() < 5 || !Parse(f[1], &age)) return Malformed(r, users, "expected user id|age|gender|occupation|zip code");
    const char* band = age < 18 ? "under-18" : age < 25 ? "18-24" : age < 35 ? "25-34" : age < 45 ? "35-44"
                     : age < 50 ? "45-49" : age < 56 ? "50-55" : "56+";
    const uint32_t user = Intern(ds->users, f[0]);
    if (ds->user_attributes.size() <= user) ds->user_attributes.resize(user + 1);
    ds->user_attributes[user] = {std::string("age_band=") + band, "gender=" + f[2], "occupation=" + f[3],
                                 "region=" + f[4].substr(0, 1)};
    return Status::OK();
  });
}

Status LoadMlLatestSmall(const std::string& dir, Dataset* ds) {
  const std::string movies = Find(dir, "movies.csv");
  RECD_RETURN_IF_ERROR(ForEachLine(movies, 1, [&](const LineReader& r, const std::string& line) {
    std::vector<std::string> f = SplitCsv(line, ',');
    if (f.size() < 3) return Malformed(r, movies, "expected movieId, title, genres");
    std::vector<std::string> genres;
    for (std::string& g : SplitCsv(f[2], '|')) {
      if (g != "(no genres listed)") genres.push_back(std::move(g));
    }
    Describe(ds, Intern(ds->items, f[0]), f[1], std::move(genres));
    return Status::OK();
  }));
  const std::string ratings = Find(dir, "ratings.csv");
  RECD_RETURN_IF_ERROR(ForEachLine(ratings, 1, [&](const LineReader& r, const std::string& line) {
    return AddRating(ds, r, ratings, line, ',');
  }));
  // userId,movieId,tag,timestamp; tags of unknown movies are skipped.
  const std::string tags = Find(dir, "tags.csv");
  if (!Exists(tags)) return Status::OK();
  ds->item_tags.resize(ds->items.size());
  return ForEachLine(tags, 1, [&](const LineReader& r, const std::string& line) {
    std::vector<std::string> f = SplitCsv(line, ',');
    int64_t seconds = 0;
    if (f.size() < 4 || !Parse(f[3], &seconds)) return Malformed(r, tags, "expected userId, movieId, tag, timestamp");
    std::optional<uint32_t> item = ds->items.Find(f[1]);
    if (!item) return Status::OK();
    ds->tags.push_back({Intern(ds->users, f[0]), *item, f[2], seconds * 1000});
    std::vector<std::string>& distinct = ds->item_tags[*item];
    if (std::find(distinct.begin(), distinct.end(), f[2]) == distinct.end()) distinct.push_back(f[2]);
    return Status::OK();
  });
}

Status LoadAmazon(const std::string& path, Dataset* ds) {
  simdjson::dom::parser parser;
  return ForEachLine(path, 0, [&](const LineReader& r, const std::string& line) {
    simdjson::dom::element doc;
    std::string_view user, item;
    double rating = 0;
    int64_t seconds = 0;
    if (parser.parse(line).get(doc) || doc["reviewerID"].get(user) || doc["asin"].get(item) ||
        doc["overall"].get(rating) || doc["unixReviewTime"].get(seconds)) {
      return Malformed(r, path, "expected reviewerID, asin, overall, unixReviewTime");
    }
    ds->interactions.push_back({Intern(ds->users, user), Intern(ds->items, item), static_cast<float>(rating), seconds * 1000});
    return Status::OK();
  });
}

// session-rec's time: eventdate at 00:00 UTC plus timeframe (ms).
Status LoadDiginetica(const std::string& path, Dataset* ds) {
  ds->sessions = true;
  return ForEachLine(path, 1, [&](const LineReader& r, const std::string& line) {
    std::vector<std::string> f = SplitCsv(line, ';');
    std::tm tm{};
    int64_t timeframe = 0;
    if (f.size() < 5 || !strptime(f[4].c_str(), "%Y-%m-%d", &tm) || !Parse(f[3], &timeframe)) {
      return Malformed(r, path, "expected session_id;user_id;item_id;timeframe;eventdate");
    }
    const int64_t ts = static_cast<int64_t>(timegm(&tm)) * 1000 + timeframe;
    const uint32_t session = Intern(ds->users, f[0]);
    if (ds->session_owner.size() <= session) ds->session_owner.resize(session + 1);
    if (f[1] != "NA") ds->session_owner[session] = f[1];
    ds->interactions.push_back({session, Intern(ds->items, f[2]), 1.0f, ts});
    return Status::OK();
  });
}

}  // namespace

const std::vector<std::string>& NamedDatasets() {
  static const std::vector<std::string> names = {"ml-100k", "ml-latest-small", "amazon-mi", "diginetica-sample",
                                                 "synthetic-sessions"};
  return names;
}

const std::vector<std::string>& DatasetFormats() {
  static const std::vector<std::string> formats = {"movielens-100k", "ml-latest-small", "amazon-reviews", "diginetica"};
  return formats;
}

Result<Dataset> LoadDatasetFormat(const std::string& format, const std::string& path) {
  Dataset ds;
  ds.name = format;
  ds.ratings = format != "diginetica";
  Status st;
  if (format == "movielens-100k") {
    st = LoadMovieLens100k(path, &ds);
  } else if (format == "ml-latest-small") {
    st = LoadMlLatestSmall(path, &ds);
  } else if (format == "amazon-reviews") {
    st = LoadAmazon(path, &ds);
  } else if (format == "diginetica") {
    st = LoadDiginetica(path, &ds);
  } else {
    return Status::InvalidArgument("dataset format '" + format + "' is unknown");
  }
  if (!st.ok()) return st;
  ds.item_categories.resize(ds.items.size());
  ds.item_titles.resize(ds.items.size());
  ds.session_owner.resize(ds.sessions ? ds.users.size() : 0);
  return ds;
}

Result<Dataset> LoadNamedDataset(const std::string& name, const std::string& shared_data_dir) {
  Result<Dataset> ds = Status::InvalidArgument(
      "dataset '" + name +
      "' is unknown (expected ml-100k, ml-latest-small, amazon-mi, diginetica-sample or synthetic-sessions)");
  if (name == "ml-100k") {
    ds = LoadDatasetFormat("movielens-100k", shared_data_dir + "/movielens-100k");
  } else if (name == "ml-latest-small") {
    ds = LoadDatasetFormat("ml-latest-small", shared_data_dir + "/movielens-latest-small");
  } else if (name == "amazon-mi") {
    ds = LoadDatasetFormat("amazon-reviews", Find(shared_data_dir + "/amazon-musical-instruments-5core", "Musical_Instruments.json"));
  } else if (name == "diginetica-sample") {
    ds = LoadDatasetFormat("diginetica", Find(shared_data_dir + "/diginetica-sample", "train-item-views.csv"));
  } else if (name == "synthetic-sessions") {  // made here, no files needed
    ds = SyntheticSessionDataset(200000, 20000, 1);
  }
  if (ds.ok()) ds->name = name;
  return ds;
}

Status AppendCsv(const std::string& path, const CsvColumns& columns, Dataset* ds, std::vector<Interaction>* out) {
  int user_col = -1, item_col = -1, rating_col = -1, ts_col = -1;
  bool header = true;
  Status st = ForEachLine(path, 0, [&](const LineReader& r, const std::string& line) {
    std::vector<std::string> f = SplitCsv(line, ',');
    if (header) {
      header = false;
      int session_col = -1;
      for (int i = 0; i < static_cast<int>(f.size()); ++i) {
        if (f[i] == columns.user) user_col = i;
        if (f[i] == columns.session) session_col = i;
        if (f[i] == columns.item) item_col = i;
        if (f[i] == columns.rating) rating_col = i;
        if (f[i] == columns.timestamp) ts_col = i;
      }
      if (user_col < 0 && session_col >= 0) {
        user_col = session_col;
        ds->sessions = true;
      }
      ds->ratings = ds->ratings || rating_col >= 0;
      if (user_col < 0 || item_col < 0 || ts_col < 0) {
        return Malformed(r, path, "header needs columns '" + columns.user + "' (or '" + columns.session +
                                      "'), '" + columns.item + "' and '" + columns.timestamp + "'");
      }
      return Status::OK();
    }
    const int needed = std::max({user_col, item_col, rating_col, ts_col});
    float rating = 1.0f;
    int64_t ts = 0;
    if (static_cast<int>(f.size()) <= needed) return Malformed(r, path, "too few columns");
    if (rating_col >= 0 && !Parse(f[rating_col], &rating)) return Malformed(r, path, columns.rating + ": not a number");
    if (!Parse(f[ts_col], &ts)) return Malformed(r, path, columns.timestamp + ": not an integer");
    out->push_back({Intern(ds->users, f[user_col]), Intern(ds->items, f[item_col]), rating, ts});
    return Status::OK();
  });
  ds->item_categories.resize(ds->items.size());
  ds->item_titles.resize(ds->items.size());
  return st;
}

}  // namespace recd
