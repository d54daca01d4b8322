// User-based collaborative filtering (Herlocker et al., "An algorithmic framework for performing
// collaborative filtering", SIGIR 1999; Aiolli 2013 for the top-N, binary form). A shopper's
// live history h is compared with every training shopper's row by cosine (shrunk), the k most
// similar are kept, and an item scores Σ_v sim(h, v) · x_v,i. Because the neighbours are found
// at request time from the live history, a new shopper's first events count at once.
//
// Parameters (spec "userknn(k=50,shrink=0)"):
//   k       neighbours (training shoppers) per request.
//   shrink  added to the cosine denominator, damping shoppers who share few items.
// A request costs Σ_{i in h} |shoppers of i| + k · |a neighbour's row|.
#pragma once

#include <memory>

#include "models/model.h"
#include "models/snapshot_io.h"
#include "models/spec.h"

namespace recd {

Result<std::unique_ptr<Recommender>> TrainUserKnn(ModelSpec& spec, const TrainingData& data);
Result<std::unique_ptr<Recommender>> LoadUserKnn(ModelSpec& spec, const SnapshotReader& reader);

}  // namespace recd
