// SAR, Smart Adaptive Recommendations (Microsoft Recommenders' SAR; Aggarwal, "Recommender
// Systems", 2016, ch. 2 for the neighbourhood scheme). Item-item similarity from binary
// co-occurrence, user affinity from time-decayed event weights, score = affinity · similarity.
//
// Parameters (spec "sar(sim=jaccard,half_life_days=30,threshold=1)"):
//   sim             jaccard: C_ij / (C_ii + C_jj - C_ij); lift: C_ij / (C_ii C_jj); counts: C_ij;
//                   where C = XᵀX counts the shoppers who had both items.
//   half_life_days  an event's weight halves every this many days before the training data's
//                   latest event; 0 turns decay off.
//   threshold       co-occurrence counts below it are set to 0 (noise floor).
#pragma once

#include <memory>

#include "models/model.h"
#include "models/snapshot_io.h"
#include "models/spec.h"

namespace recd {

Result<std::unique_ptr<Recommender>> TrainSar(ModelSpec& spec, const TrainingData& data);
Result<std::unique_ptr<Recommender>> LoadSar(ModelSpec& spec, const SnapshotReader& reader);

}  // namespace recd
