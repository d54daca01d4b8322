// OfflineEvaluator: trains models on a split's training part and scores their full rankings
// (every training item is a candidate; no sampled negatives) against each user's held-out items.
// One evaluator is built per split and shared by every model evaluated on it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/interactions.h"
#include "data/split.h"
#include "eval/metrics.h"
#include "recd/status.h"

namespace recd {

struct EvalOptions {
  std::vector<size_t> ks = {5, 10, 20};
  bool keep_seen = false;  // when false, a user's training items are never recommended to them
  MapNormalization map_norm = MapNormalization::kRelevant;
  bool progress = false;   // a progress bar on stderr
};

struct LatencyMs {
  double p50 = 0, p90 = 0, p99 = 0, mean = 0;
};

struct ModelResult {
  std::string spec;                       // canonical, as the model reports it
  std::map<std::string, double> metrics;  // "ndcg@10", "coverage@10", ...
  LatencyMs latency_ms;                   // per recommendation list
  double train_seconds = 0;
  size_t users = 0;                       // users evaluated
};

class OfflineEvaluator {
 public:
  OfflineEvaluator(const Dataset& dataset, const Split& split, EvalOptions options);

  // InvalidArgument for a bad spec.
  Result<ModelResult> Evaluate(const std::string& spec) const;

  size_t num_users() const { return users_.size(); }
  size_t num_items() const { return static_cast<size_t>(stats_.num_items); }

 private:
  EvalOptions options_;
  InteractionMatrix train_;                    // users x items, binary
  std::vector<uint32_t> users_;                // users with training and test interactions
  std::vector<std::vector<ItemIdx>> relevant_; // parallel to users_: distinct test items, sorted
  std::vector<bool> in_train_;                 // by item: a candidate
  CatalogStats stats_;
};

// Percentiles of a sample (sorted in place).
LatencyMs Summarize(std::vector<double>& samples_ms);

}  // namespace recd
