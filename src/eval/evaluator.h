// OfflineEvaluator: trains models on a split's training part and scores their full rankings
// (every training item is a candidate; no sampled negatives) against each user's held-out items.
// One evaluator is built per split and shared by every model evaluated on it.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/interactions.h"
#include "core/top_k.h"
#include "data/split.h"
#include "eval/metrics.h"
#include "models/model.h"
#include "recd/status.h"

namespace recd {

// How items with equal scores are ordered.
enum class TieOrder {
  kIndex,        // the model's order: smaller item index first (deterministic)
  kPessimistic,  // relevant items after every non-relevant item with the same score
};

struct EvalOptions {
  std::vector<size_t> ks = {5, 10, 20};
  TieOrder ties = TieOrder::kIndex;
  bool keep_seen = false;  // when false, a user's training items are never recommended to them
  MapNormalization map_norm = MapNormalization::kRelevant;
  RecallNormalization recall_norm = RecallNormalization::kRelevant;
  std::vector<std::string> metrics;  // names to report ("ndcg", "coverage"); empty: all
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

// Sums the metrics of many lists and averages them. HitRate and MRR score `next` (the very next
// item in the session protocol; the same as `relevant` elsewhere); the others score `relevant`.
class MetricSums {
 public:
  MetricSums(const EvalOptions& options, const CatalogStats& stats);
  // `scored` best first; with TieOrder::kPessimistic it must hold every candidate with a score.
  void Add(std::span<const Scored> scored, std::span<const ItemIdx> relevant, std::span<const ItemIdx> next);
  // "ndcg@10", ... averaged over the lists added.
  void Write(std::map<std::string, double>* metrics) const;

 private:
  const EvalOptions& options_;
  std::vector<ListMetrics> sums_;
  std::vector<BeyondAccuracy> beyond_;
  size_t lists_ = 0;
  std::vector<ItemIdx> ranked_;  // scratch
};

class OfflineEvaluator {
 public:
  // Users are evaluated when they have test items and a history: their training interactions,
  // or their fold-in interactions (strong generalization), which are never trained on. Under
  // the cold-user protocol they are asked with no history, only their attributes.
  OfflineEvaluator(const Dataset& dataset, const Split& split, EvalOptions options);

  // InvalidArgument for a bad spec.
  Result<ModelResult> Evaluate(const std::string& spec) const;

  size_t num_users() const { return users_.size(); }
  size_t num_items() const { return static_cast<size_t>(stats_.num_items); }

 private:
  EvalOptions options_;
  InteractionMatrix train_;                    // users x items, binary
  std::vector<std::vector<UserEvent>> sequences_;  // each user's training events in time order
  std::vector<ItemText> item_text_;            // by item: title, categories, tags (content model)
  std::vector<std::vector<uint32_t>> user_cohorts_;  // by user: attribute values (cohort model)
  int64_t reference_time_ms_ = 0;              // the latest training event
  std::vector<uint32_t> users_;                // users with a history and test interactions
  std::vector<std::vector<ItemIdx>> history_;  // parallel to users_: distinct items, sorted
  std::vector<std::vector<UserEvent>> events_; // parallel to users_: the history as events
  std::vector<std::vector<ItemIdx>> relevant_; // parallel to users_: distinct test items, sorted
  std::vector<bool> in_train_;                 // by item: a candidate
  CatalogStats stats_;
};

// The session-rec protocol's evaluation: every prefix of every test session asks for a list;
// HitRate and MRR score the very next item, the other metrics the rest of the session. Items
// already in the session are not removed. Training counts every event (a session viewing an
// item twice counts twice for popularity).
class SessionEvaluator {
 public:
  SessionEvaluator(const Dataset& dataset, const SessionSplit& split, EvalOptions options);
  Result<ModelResult> Evaluate(const std::string& spec) const;
  size_t num_predictions() const { return predictions_; }
  size_t num_items() const { return static_cast<size_t>(stats_.num_items); }

 private:
  EvalOptions options_;
  InteractionMatrix train_;  // sessions x items, event counts
  std::vector<std::vector<UserEvent>> sequences_;  // the training sessions in time order
  int64_t reference_time_ms_ = 0;
  const SessionSplit& split_;
  std::vector<bool> in_train_;
  CatalogStats stats_;
  size_t predictions_ = 0;
};

// Category ids of every item of `dataset`, for intra-list diversity.
void FillCategories(const Dataset& dataset, CatalogStats* stats);

// How long a list to ask each model for: the largest k, or every item for pessimistic ties.
size_t ListLength(const EvalOptions& options, size_t num_items);

// Percentiles of a sample (sorted in place).
LatencyMs Summarize(std::vector<double>& samples_ms);

}  // namespace recd
