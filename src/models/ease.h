// EASE, Embarrassingly Shallow Autoencoder (Steck, "Embarrassingly Shallow Autoencoders for
// Sparse Data", WWW 2019). Learns an item x item weight matrix B with a zero diagonal that
// reconstructs each shopper's row from the others, in closed form:
//     P = (XᵀX + λI)⁻¹,  B_ij = -P_ij / P_jj (i != j),  B_jj = 0;  score = x · B.
// The inverse is one dense Cholesky solve (Eigen on OpenBLAS): O(n³) time and about 20 n² bytes
// at peak in the number of items n (1,682 items: 57 MB, 0.2 s; 20,000 items: 8 GB), so EASE suits
// catalogs up to about twenty thousand items.
//
// Parameters (spec "ease(l2=500)"):
//   l2  λ, the L2 penalty on B; larger values trust co-occurrence less (Steck used 200-1000).
#pragma once

#include <memory>

#include "models/model.h"
#include "models/snapshot_io.h"
#include "models/spec.h"

namespace recd {

Result<std::unique_ptr<Recommender>> TrainEase(ModelSpec& spec, const TrainingData& data);
Result<std::unique_ptr<Recommender>> LoadEase(ModelSpec& spec, const SnapshotReader& reader);

}  // namespace recd
