// Interaction matrices built from the event log: the input of every trained model.
//
// Rows are shoppers (a user, or an anonymous session when the event has no user), columns are
// items, and a cell is the shopper's total event strength for the item (see EventStrength),
// dampened by log1p. Cells whose total is not positive (disliked, removed from cart) are dropped:
// they are no evidence of similarity.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/ids.h"
#include "recd/event.h"
#include "recd/options.h"
#include "recd/status.h"

namespace recd {

class Store;

// How much one event says about interest in its item: the type's weight, scaled for ratings by
// (value - 2.5) / 2.5.
double EventStrength(EventType type, std::optional<double> value, const EventWeights& weights);

// One event of a shopper's history: the item, how strongly it speaks for the item (a rating, an
// event-type weight; <= 0 is negative evidence) and when.
struct UserEvent {
  ItemIdx item;
  float weight;
  int64_t timestamp_ms;
};

// Compressed sparse rows.
struct InteractionMatrix {
  uint32_t num_rows = 0;
  uint32_t num_cols = 0;
  std::vector<uint64_t> row_ptr;  // num_rows + 1 offsets into cols/values
  std::vector<uint32_t> cols;
  std::vector<float> values;

  uint64_t nnz() const { return cols.size(); }
  // The same matrix with rows and columns swapped.
  InteractionMatrix Transposed() const;
};

struct MatrixBuildStats {
  uint64_t events_read = 0;
  uint64_t last_seq = 0;  // the newest event included
  int64_t last_time_ms = 0;  // the latest event time seen
};

// Reads the whole events column family. Each row keeps at most `max_row_items` items, the most
// recently touched ones. There are at least `num_items` columns, more if the log names more.
// With `sessions`, also collects every session's item events (positive strength) in log order,
// for the models that learn from sequences.
Result<InteractionMatrix> BuildInteractionMatrix(const Store& store, const EventWeights& weights,
                                                 uint32_t num_items, int max_row_items,
                                                 MatrixBuildStats* stats,
                                                 std::vector<std::vector<UserEvent>>* sessions = nullptr);

}  // namespace recd
