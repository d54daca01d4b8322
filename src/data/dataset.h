// Dataset: interactions held in memory for offline evaluation, with keys interned like the
// engine does. Loaders for the public datasets in ../shared/data and for CSV files.
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/ids.h"
#include "recd/status.h"

namespace recd {

struct Interaction {
  uint32_t user;  // a user, or a session for session data
  ItemIdx item;
  float rating;   // 1 for implicit data
  int64_t timestamp_ms;
};

struct Dataset {
  std::string name;
  KeyMap users;  // sessions when `sessions` is set
  KeyMap items;
  std::vector<Interaction> interactions;  // in file order
  std::vector<std::vector<std::string>> item_categories;  // by ItemIdx; may be empty
  std::vector<std::string> item_titles;                  // by ItemIdx; may be empty
  std::vector<std::vector<std::string>> item_tags;       // by ItemIdx: distinct tags; may be empty
  // Tag applications (ml-latest-small's tags.csv): who put which free-text tag on which item.
  struct Tag {
    uint32_t user;
    ItemIdx item;
    std::string tag;
    int64_t timestamp_ms;
  };
  std::vector<Tag> tags;
  // By user: attributes as "name=value" (ML-100k's u.user: age band, gender, occupation, the
  // zip code's first digit); may be empty.
  std::vector<std::vector<std::string>> user_attributes;
  std::vector<std::string> session_owner;  // sessions only: the logged-in user of each, or ""
  bool sessions = false;
  bool ratings = false;  // `rating` holds explicit ratings (0.5-5); otherwise rows are implicit
};

// Names: ml-100k, ml-latest-small, amazon-mi, diginetica-sample (see docs/evaluation.md), and
// synthetic-sessions (200,000 session views over 20,000 items, data/synthetic.h; no files).
// `shared_data_dir` is the folder holding them (../shared/data). NotFound names what is missing.
Result<Dataset> LoadNamedDataset(const std::string& name, const std::string& shared_data_dir);
const std::vector<std::string>& NamedDatasets();

// The same loaders by file format, at any path (files may be .zst):
//   movielens-100k   a directory with u.item and u.data
//   ml-latest-small  a directory with movies.csv and ratings.csv
//   amazon-reviews   a reviews JSON-lines file
//   diginetica       train-item-views.csv
Result<Dataset> LoadDatasetFormat(const std::string& format, const std::string& path);
const std::vector<std::string>& DatasetFormats();

// Column names of interaction CSV files (a header row is required).
struct CsvColumns {
  std::string user = "user";
  std::string session = "session";  // used when the file has no user column
  std::string item = "item";
  std::string rating = "rating";    // optional: 1 when absent
  std::string timestamp = "timestamp";
};

// Appends the rows of a CSV file to `out`, interning keys into `dataset`, so that a train and a
// test file share one id space. InvalidArgument names the file, line and column at fault.
Status AppendCsv(const std::string& path, const CsvColumns& columns, Dataset* dataset,
                 std::vector<Interaction>* out);

}  // namespace recd
