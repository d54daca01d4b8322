// Recommender: the one interface every trained model offers the evaluator (and, as the serving
// pipeline grows, the engine). A trained model is immutable and safe to read from any thread;
// training is separate (TrainRecommender) and returns a new model.
//
// Models are named by spec strings (models/spec.h) that are the same in configuration, on the
// command line, in evaluation reports and in saved snapshots: "popularity",
// "itemknn(k=200,shrink=10)", "sar(sim=jaccard,half_life_days=30)", "ease(l2=500)".
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/top_k.h"
#include "data/interactions.h"
#include "recd/status.h"

namespace recd {

// The distinct items below `num_items` whose summed weight in `history` is positive, sorted: what a
// binary model sees of a history (a view and a later dislike of one item cancel out).
std::vector<ItemIdx> PositiveItems(std::span<const UserEvent> history, size_t num_items);

// An item's text by field, for the content model.
struct ItemText {
  std::string title, brand, description;
  std::vector<std::string> categories, tags;
};

struct TrainingData {
  const InteractionMatrix& matrix;  // shoppers x items (binary, or counts)
  int64_t reference_time_ms = 0;    // the latest training event: "now" for time decay
  // Sessions' events in time order, for the models that learn from sequences (sr, vsknn, vmis,
  // stan, vstan); null where the trainer has none.
  const std::vector<std::vector<UserEvent>>* sequences = nullptr;
  // By item: its text, for the content model; null where there is none.
  const std::vector<ItemText>* item_text = nullptr;
  // By shopper (matrix row): the cohorts (attribute values) they belong to, for the cohort
  // model; null where there are none.
  const std::vector<std::vector<uint32_t>>* user_cohorts = nullptr;
};

class Recommender {
 public:
  virtual ~Recommender() = default;
  // The canonical spec, every parameter spelled out.
  virtual std::string Spec() const = 0;
  // The best `n` items for a shopper whose history is `history`, oldest event first (the
  // session models read the order), among those `keep` accepts, best first. May return fewer.
  virtual std::vector<Scored> Recommend(std::span<const UserEvent> history, size_t n,
                                        const std::function<bool(ItemIdx)>& keep) const = 0;
  // The same for a shopper who also belongs to `cohorts` (attribute values such as an age band;
  // models/cohort.h). Only models that read attributes override it.
  virtual std::vector<Scored> RecommendForCohorts(std::span<const UserEvent> history, std::span<const uint32_t> cohorts,
                                                  size_t n, const std::function<bool(ItemIdx)>& keep) const {
    (void)cohorts;
    return Recommend(history, n, keep);
  }
  // The stored form (models/snapshot_io.h); LoadRecommender gives back a model that answers
  // exactly as this one does.
  virtual std::string Save() const = 0;
};

// Trains the model named by `spec`. InvalidArgument for an unknown model or parameter.
Result<std::unique_ptr<Recommender>> TrainRecommender(const std::string& spec, const TrainingData& data);

// Reads what Recommender::Save wrote. Corruption (what and where) for damaged bytes, a spec
// that names no known model, or sections that do not fit together.
Result<std::unique_ptr<Recommender>> LoadRecommender(std::string_view bytes);

// The names TrainRecommender knows, for help texts and the conformance suite.
const std::vector<std::string>& RecommenderNames();

}  // namespace recd
