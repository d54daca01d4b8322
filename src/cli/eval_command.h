// `recd eval`: loads a dataset (or an explicit train/test split), applies a protocol, evaluates
// each model spec on the same split and writes the report (docs/evaluation.md).
#pragma once

#include <string>
#include <vector>

#include "recd/status.h"

namespace recd::cli {

struct EvalFlags {
  std::string dataset;              // a name from NamedDatasets(), or empty with train/test
  std::string data_dir = "../shared/data";
  std::string train_file, test_file;
  std::string columns;              // "user=uid,item=iid,rating=r,timestamp=ts,session=sid"
  std::string protocol = "holdout";  // holdout, temporal, leave-last-out, strong, session
  double ratio = 0.75;              // holdout: training share per group
  uint32_t seed = 42;
  std::string split_by = "user";    // holdout: group by user or item
  double test_fraction = 0.2;       // temporal: the latest share held out
  int64_t split_time_ms = 0;        // temporal: when set, test = interactions at or after this time
  double heldout_users = 0.2;       // strong: share of users held out
  double fold_in = 0.8;             // strong: share of a held-out user's interactions given as history
  double cold_fraction = 0.2;       // cold-items: share of the items held out entirely
  int test_days = 7;                // session: test sessions end within this many days of the last event
  int session_gap_minutes = 30;     // session: inactivity that starts a new session (data without sessions)
  int min_session_length = 2;       // session: shorter sessions are dropped (before and after the item filter)
  int min_item_support = 5;         // session: items with fewer events are dropped
  std::vector<std::string> models = {"popularity"};
  std::string ks = "5,10,20";
  bool keep_seen = false;
  std::string map_norm = "relevant";  // or "min"
  std::string ties = "index";         // or "pessimistic"
  std::string recall_norm = "relevant";  // or "min"
  std::string metrics;                   // comma-separated names to report; empty: all
  bool replay = false;              // also replay the test events through the engine
  std::vector<std::string> engine_sets;  // key=value configuration of the replayed engine
  std::string out_json, out_html;
  bool quiet = false;
};

// Runs the evaluation; prints the Markdown table on stdout. InvalidArgument for bad flags.
Status RunEval(const EvalFlags& flags);

struct TuneFlags {
  std::string metric = "ndcg@10";  // what the search maximises on the validation split
  double validation_ratio = 0.8;   // share of the training part kept for training while tuning
  int random = 0;                  // > 0: evaluate this many grid points drawn at random
};

// `recd tune`: the single --model spec holds lists ("itemknn(k=[50,100],shrink=[0,10])"); every
// combination (or --random N of them) is evaluated on a validation split carved from the
// training part, and the best is evaluated once on the test split.
Status RunTune(const EvalFlags& flags, const TuneFlags& tune);

}  // namespace recd::cli
