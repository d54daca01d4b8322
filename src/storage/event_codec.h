// EventRecord: an event after the boundary (keys interned), and its binary encoding in the
// events column family.
//
// Encoding (little-endian), version 1:
//   u8 version | u8 type | u8 flags (bit0: has value) | u32 user_idx | u32 session_idx |
//   u32 item_idx | i64 timestamp_ms | f64 value | str query | str recomm_id | u32 n | n x (str key | str value)
// where str is a u32 length followed by the bytes. kNoIdx marks an absent user/session/item.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ids.h"
#include "recd/event.h"
#include "recd/status.h"

namespace recd {

struct EventRecord {
  EventType type = EventType::kView;
  UserIdx user_idx = kNoIdx;
  SessionIdx session_idx = kNoIdx;
  ItemIdx item_idx = kNoIdx;
  int64_t timestamp_ms = 0;
  std::optional<double> value;
  std::string query;
  std::string recomm_id;
  std::vector<std::pair<std::string, std::string>> context;
};

void EncodeEvent(const EventRecord& event, std::string* out);
// Corruption if the bytes are not a valid version-1 record.
Status DecodeEvent(std::string_view bytes, EventRecord* event);

}  // namespace recd
