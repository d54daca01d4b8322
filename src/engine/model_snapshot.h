// ModelSnapshot: the immutable set of trained models the engine serves from, and its stored
// form. The engine holds the current snapshot in an atomic shared pointer; a retrain builds a
// new one and swaps it in, so readers never block and never see half a model.
//
// Stored (meta column family, key "model.snapshot") with the model snapshot format of
// models/snapshot_io.h, spec "engine", sections:
//   INFO  u64 version | i64 built_at_ms | u64 events_used | i64 train_ms
//   KNNS  the neighbour table's spec;  KNNO / KNNN  its offsets and neighbours
//   BLND  u32 count;  B000, B001, ...  f64 weight | a blended model's own snapshot bytes
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/item_knn.h"
#include "models/model.h"
#include "recd/engine.h"
#include "recd/status.h"

namespace recd {

class Store;

struct ModelSnapshot {
  struct Blended {
    double weight = 1;
    std::shared_ptr<const Recommender> model;
  };
  ModelInfo info;
  ItemKnnModel knn;              // candidates, similar items and explanations
  std::vector<Blended> blend;    // further candidate sources (Options::blend_models)
};

void EncodeSnapshot(const ModelSnapshot& snapshot, std::string* out);
// Corruption naming what failed: magic, version, checksum, a missing or malformed section.
Result<std::shared_ptr<const ModelSnapshot>> DecodeSnapshot(std::string_view bytes);

// Reads the event log and builds a new snapshot with the given version; `item_text` (title,
// brand, categories per ItemIdx) feeds content models in the blend. InvalidArgument for a
// malformed Options::blend_models entry.
Result<std::shared_ptr<const ModelSnapshot>> TrainSnapshot(const Store& store, const Options& options,
                                                           uint32_t num_items, uint64_t version,
                                                           const std::vector<ItemText>* item_text = nullptr);

// "0.5*ease(l2=500)" -> weight 0.5, spec "ease(l2=500)"; a bare spec has weight 1.
Status ParseBlendEntry(const std::string& entry, double* weight, std::string* spec);

}  // namespace recd
