#include "data/interactions.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "storage/event_codec.h"
#include "storage/store.h"

namespace recd {

double EventStrength(EventType type, std::optional<double> value, const EventWeights& weights) {
  double w = weights[static_cast<int>(type)];
  if (type == EventType::kRating && value) w *= (*value - 2.5) / 2.5;
  return w;
}

InteractionMatrix InteractionMatrix::Transposed() const {
  InteractionMatrix t;
  t.num_rows = num_cols;
  t.num_cols = num_rows;
  t.row_ptr.assign(num_cols + 1, 0);
  for (uint32_t c : cols) ++t.row_ptr[c + 1];
  for (uint32_t i = 0; i < num_cols; ++i) t.row_ptr[i + 1] += t.row_ptr[i];
  t.cols.resize(nnz());
  t.values.resize(nnz());
  std::vector<uint64_t> next(t.row_ptr.begin(), t.row_ptr.end() - 1);
  for (uint32_t r = 0; r < num_rows; ++r) {
    for (uint64_t k = row_ptr[r]; k < row_ptr[r + 1]; ++k) {
      uint64_t dst = next[cols[k]]++;
      t.cols[dst] = r;
      t.values[dst] = values[k];
    }
  }
  return t;
}

Result<InteractionMatrix> BuildInteractionMatrix(const Store& store, const EventWeights& weights,
                                                 uint32_t num_items, int max_row_items,
                                                 MatrixBuildStats* stats,
                                                 std::vector<std::vector<UserEvent>>* sessions) {
  std::unordered_map<SessionIdx, size_t> session_slot;
  struct Cell {
    double strength = 0;
    uint64_t last_seq = 0;
  };
  // Row key: users in the low half, sessions without a user tagged with the top bit.
  std::unordered_map<uint64_t, std::unordered_map<ItemIdx, Cell>> rows;
  EventRecord e;
  Status decode_status;
  MatrixBuildStats local;
  uint64_t max_item = 0;
  Status st = store.Scan(Cf::kEvents, "", [&](std::string_view key, std::string_view value) {
    decode_status = DecodeEvent(value, &e);
    if (!decode_status.ok()) return false;
    ++local.events_read;
    local.last_seq = Store::DecodeSeq(key);
    local.last_time_ms = std::max(local.last_time_ms, e.timestamp_ms);
    if (e.item_idx == kNoIdx) return true;
    max_item = std::max<uint64_t>(max_item, e.item_idx);
    uint64_t row = e.user_idx != kNoIdx ? e.user_idx
                   : e.session_idx != kNoIdx ? ((1ULL << 63) | e.session_idx)
                                             : UINT64_MAX;
    if (row == UINT64_MAX) return true;
    Cell& cell = rows[row][e.item_idx];
    const double strength = EventStrength(e.type, e.value, weights);
    cell.strength += strength;
    if (sessions && e.session_idx != kNoIdx && strength > 0) {
      auto [slot, inserted] = session_slot.try_emplace(e.session_idx, sessions->size());
      if (inserted) sessions->emplace_back();
      (*sessions)[slot->second].push_back({e.item_idx, static_cast<float>(strength), e.timestamp_ms});
    }
    cell.last_seq = local.last_seq;
    return true;
  });
  RECD_RETURN_IF_ERROR(st);
  RECD_RETURN_IF_ERROR(decode_status);

  // Deterministic row order: by key.
  std::vector<uint64_t> row_keys;
  row_keys.reserve(rows.size());
  for (const auto& [k, _] : rows) row_keys.push_back(k);
  std::sort(row_keys.begin(), row_keys.end());

  InteractionMatrix m;
  // Items first seen in events committed after the caller counted them are still columns.
  m.num_cols = rows.empty() ? num_items : std::max<uint32_t>(num_items, static_cast<uint32_t>(max_item + 1));
  m.row_ptr.push_back(0);
  std::vector<std::pair<ItemIdx, Cell>> cells;
  for (uint64_t k : row_keys) {
    cells.clear();
    for (const auto& [item, cell] : rows[k]) {
      if (cell.strength > 0) cells.emplace_back(item, cell);
    }
    if (cells.empty()) continue;
    if (max_row_items > 0 && cells.size() > static_cast<size_t>(max_row_items)) {
      std::nth_element(cells.begin(), cells.begin() + max_row_items, cells.end(),
                       [](const auto& a, const auto& b) { return a.second.last_seq > b.second.last_seq; });
      cells.resize(max_row_items);
    }
    std::sort(cells.begin(), cells.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [item, cell] : cells) {
      m.cols.push_back(item);
      m.values.push_back(static_cast<float>(std::log1p(cell.strength)));
    }
    m.row_ptr.push_back(m.cols.size());
    ++m.num_rows;
  }
  if (stats) *stats = local;
  return m;
}

}  // namespace recd
