// BPR, Bayesian Personalized Ranking (Rendle, Freudenthaler, Gantner & Schmidt-Thieme, UAI 2009),
// a matrix factorization trained by stochastic gradient ascent on ln σ(x_ui - x_uj) over
// (shopper, item had, item not had) triples, with item biases. Training runs in parallel
// threads, each owning a disjoint set of shoppers and sharing item factors lock-free (Hogwild,
// Recht et al. 2011) through relaxed atomic loads and stores.
//
// A live history is folded in at request time: a shopper vector is learnt by the same updates,
// item factors held fixed, on the history's items against sampled negatives
// (`fold_in_epochs` passes, deterministic per history).
//
// Parameters (spec "bpr(factors=64,epochs=30,lr=0.05,reg=0.002,fold_in_epochs=20,threads=1,seed=42)"):
//   factors         latent dimensions.
//   epochs          passes; one pass draws as many triples as the matrix has cells.
//   lr              learning rate.
//   reg             L2 penalty on every updated parameter.
//   fold_in_epochs  passes over a live history when folding it in.
//   threads         training threads; more train faster but, Hogwild being racy by design, not
//                   reproducibly (1 gives the same model for the same seed every time).
//   seed            initial factors ~ N(0, 0.1²) and the sampling.
#pragma once

#include <memory>

#include "models/model.h"
#include "models/snapshot_io.h"
#include "models/spec.h"

namespace recd {

Result<std::unique_ptr<Recommender>> TrainBpr(ModelSpec& spec, const TrainingData& data);
Result<std::unique_ptr<Recommender>> LoadBpr(ModelSpec& spec, const SnapshotReader& reader);

}  // namespace recd
