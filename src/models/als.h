// Implicit ALS: matrix factorization for implicit feedback (Hu, Koren & Volinsky, "Collaborative
// Filtering for Implicit Feedback Datasets", ICDM 2008), solved with a few conjugate-gradient
// steps per row and sweep, warm-started from the previous sweep (Takács, Pilászy & Tikk,
// "Applications of the conjugate gradient method for implicit feedback collaborative
// filtering", RecSys 2011). Rows are solved in parallel.
//
// With P the binary preference matrix and confidence C = 1 + alpha·R, it minimises
//     Σ_u,i c_ui (p_ui - x_uᵀ y_i)² + reg (Σ |x_u|² + Σ |y_i|²).
// At request time a shopper's live history is folded in: x solves the same normal equations
// against the trained item factors exactly (Cholesky), so a new shopper's first events count
// without retraining. Score = x · y_i.
//
// Parameters (spec "als(factors=64,iters=15,reg=50,alpha=5,cg_steps=3,seed=42)"; the defaults
// were chosen by `recd tune` on ML-100k — tune them on your own data):
//   factors   latent dimensions f; a sweep costs about cg_steps · (f per interaction + f² per row).
//   iters     alternating sweeps (users then items).
//   reg       L2 penalty.
//   alpha     confidence per unit of event weight (observed cells get 1 + alpha·weight in
//             training; a live history's items get 1 + alpha, as in a binary matrix).
//   cg_steps  conjugate-gradient steps per row and sweep.
//   seed      initial factors ~ N(0, 0.01²).
#pragma once

#include <memory>

#include "models/model.h"
#include "models/snapshot_io.h"
#include "models/spec.h"

namespace recd {

Result<std::unique_ptr<Recommender>> TrainAls(ModelSpec& spec, const TrainingData& data);
Result<std::unique_ptr<Recommender>> LoadAls(ModelSpec& spec, const SnapshotReader& reader);

}  // namespace recd
