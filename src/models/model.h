// Recommender: the one interface every trained model offers the evaluator (and, later, the
// serving pipeline). A trained model is immutable and safe to read from any thread.
//
// Models are trained from a shopper x item matrix by TrainRecommender(spec, ...), where `spec`
// is a spec string (models/spec.h): "popularity", "itemknn(k=200,shrink=10)".
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/top_k.h"
#include "data/interactions.h"
#include "models/item_knn.h"
#include "recd/status.h"

namespace recd {

class Recommender {
 public:
  virtual ~Recommender() = default;
  // The canonical spec, every parameter spelled out.
  virtual std::string Spec() const = 0;
  // The best `n` items for a shopper whose history is `history`, among those `keep` accepts,
  // best first. May return fewer than n.
  virtual std::vector<Scored> Recommend(std::span<const Affinity> history, size_t n,
                                        const std::function<bool(ItemIdx)>& keep) const = 0;
};

// Trains the model named by `spec` on `shopper_items` (rows shoppers, columns items).
// InvalidArgument for an unknown model or parameter.
Result<std::unique_ptr<Recommender>> TrainRecommender(const std::string& spec,
                                                      const InteractionMatrix& shopper_items);

}  // namespace recd
