// Replay evaluation: the test events are fed in time order through the serving path (the Engine
// API: ingest, online state, live history, filters, explanations), each preceded by a
// recommendation request for its shopper, so accuracy and latency come from the code that
// serves. HitRate and MRR score the event's item; the other metrics the shopper's remaining
// test items.
#pragma once

#include <string>

#include "data/dataset.h"
#include "data/split.h"
#include "eval/evaluator.h"
#include "recd/options.h"

namespace recd {

struct ReplayOptions {
  EvalOptions eval;
  Options engine;  // data_dir is replaced by a temporary directory
};

// Loads the users' attributes and the training interactions into a fresh engine (ratings as
// `rating` events, implicit rows as `view`), trains it, then replays the test interactions. The ModelResult's spec is the
// engine's model spec; its latency is the engine's Recommend call.
Result<ModelResult> Replay(const Dataset& dataset, const Split& split, const ReplayOptions& options);

// The session protocol replayed: training sessions are ingested as `view` events under their
// session keys; then every test event in time order is ingested, and before each one that is
// not the first of its session the engine is asked for that session's list (the next item is
// scored by HitRate/MRR, the rest of the session by the other metrics). Nothing the session
// has seen is excluded, as in the offline protocol.
Result<ModelResult> ReplaySessions(const Dataset& dataset, const SessionSplit& split, const ReplayOptions& options);

// Search evaluated on free-text tags (ml-latest-small's tags.csv). Tag applications in time
// order: the last `test_fraction` are queries, the earlier ones are indexed as the items'
// "tags" property beside their titles and genres. A query is a distinct (user, tag) pair of the
// test part, asked at its first application; relevant are the items that user put that tag on
// in the test part. Ratings before the split train the engine; later ratings are ingested in
// time order, so a query sees exactly the user's ratings before it. Each query is asked twice:
// as is (plain), and personalized for its user. Returns the two rows, "search:plain" and
// "search:personalized".
struct TagSearchResult {
  std::vector<ModelResult> rows;
  size_t train_ratings = 0;  // ratings before the split
  size_t test_tags = 0;      // tag applications of the test part
};
Result<TagSearchResult> ReplayTagSearch(const Dataset& dataset, double test_fraction, const ReplayOptions& options);

}  // namespace recd
