// Synthetic session logs shaped like the Diginetica sample: about 4.2 views per session (two or
// more), a power-law popularity over the items (exponent 0.9), and half of the next views going
// to a neighbouring item (the same shelf). Deterministic for a seed. Used by `recd eval
// --dataset synthetic-sessions` and by recd_bench's large logs.
#pragma once

#include <cstdint>
#include <vector>

#include "data/dataset.h"
#include "data/interactions.h"

namespace recd {

// Sessions of `events` events in total (the last session may overshoot) over `items` items.
std::vector<std::vector<UserEvent>> SyntheticSessions(size_t events, uint32_t items, uint32_t seed);

// The same as a Dataset of sessions (keys "s<n>", items "i<n>").
Dataset SyntheticSessionDataset(size_t events, uint32_t items, uint32_t seed);

}  // namespace recd
