// Importers: bulk files into an engine, with a progress bar. Formats:
//   events          events as JSONL/NDJSON (.jsonl, .ndjson, .json) or CSV with a header naming
//                   the columns user, session, item, type, timestamp (ms), value, query, recomm_id
//   catalog         items as JSONL, one item object per line (fields as in PUT /v1/items)
//   movielens-100k  a directory with u.item and u.data (ratings; seconds -> ms)
//   ml-latest-small a directory with movies.csv and ratings.csv
//   amazon-reviews  an Amazon reviews JSON-lines file (reviewerID, asin, overall, unixReviewTime)
//   diginetica      train-item-views.csv (session_id;user_id;item_id;timeframe;eventdate)
// Any file may be zstd-compressed (".zst"); directories may hold either form.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "recd/engine.h"

namespace recd::cli {

struct ImportStats {
  uint64_t events = 0;
  uint64_t items = 0;
  uint64_t users = 0;
  uint64_t rejected = 0;
};

const std::vector<std::string>& ImportFormats();

// Imports `path` in `format`. Bad records are reported on stderr with their line and skipped;
// the returned Status is an error only when the input as a whole cannot be read.
Status Import(Engine& engine, const std::string& format, const std::string& path, ImportStats* stats);

}  // namespace recd::cli
