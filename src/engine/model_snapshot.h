// ModelSnapshot: the immutable set of trained models the engine serves from, and its stored
// form. The engine holds the current snapshot in an atomic shared pointer; a retrain builds a
// new one and swaps it in, so readers never block and never see half a model.
//
// Stored format (meta column family, key "model.snapshot"), version 1, little-endian:
//   "RECDSNAP" | u32 version | str spec | u64 model version | i64 built_at_ms | u64 events_used |
//   i64 train_ms | u64 num_items + 1 offsets (u64 each) | u64 pairs | pairs x (u32 item, f32 sim) |
//   u64 FNV-1a checksum of everything before it
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "models/item_knn.h"
#include "recd/engine.h"
#include "recd/status.h"

namespace recd {

class Store;

struct ModelSnapshot {
  ModelInfo info;
  ItemKnnModel knn;
};

void EncodeSnapshot(const ModelSnapshot& snapshot, std::string* out);
// Corruption naming what failed: magic, version, truncation, checksum.
Result<std::shared_ptr<const ModelSnapshot>> DecodeSnapshot(std::string_view bytes);

// Reads the event log and builds a new snapshot with the given version.
Result<std::shared_ptr<const ModelSnapshot>> TrainSnapshot(const Store& store, const Options& options,
                                                           uint32_t num_items, uint64_t version);

}  // namespace recd
