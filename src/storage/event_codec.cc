#include "storage/event_codec.h"

#include <algorithm>

#include "core/coding.h"

namespace recd {

namespace {
constexpr uint8_t kVersion = 1;
constexpr size_t kFixedSize = 3 + 4 * 3 + 8 + 8;

}  // namespace

void EncodeEvent(const EventRecord& e, std::string* out) {
  out->clear();
  out->reserve(kFixedSize + 12 + e.query.size() + e.recomm_id.size());
  PutFixed<uint8_t>(out, kVersion);
  PutFixed<uint8_t>(out, static_cast<uint8_t>(e.type));
  PutFixed<uint8_t>(out, e.value ? 1 : 0);
  PutFixed<uint32_t>(out, e.user_idx);
  PutFixed<uint32_t>(out, e.session_idx);
  PutFixed<uint32_t>(out, e.item_idx);
  PutFixed<int64_t>(out, e.timestamp_ms);
  PutFixed<double>(out, e.value.value_or(0.0));
  PutLengthPrefixed(out, e.query);
  PutLengthPrefixed(out, e.recomm_id);
  PutFixed<uint32_t>(out, static_cast<uint32_t>(e.context.size()));
  for (const auto& [k, v] : e.context) {
    PutLengthPrefixed(out, k);
    PutLengthPrefixed(out, v);
  }
}

Status DecodeEvent(std::string_view bytes, EventRecord* e) {
  Decoder r(bytes);
  uint8_t version = 0, type = 0, flags = 0;
  double value = 0;
  uint32_t n_context = 0;
  bool ok = r.Fixed(&version) && r.Fixed(&type) && r.Fixed(&flags);
  if (!ok || version != kVersion) return Status::Corruption("event record: unknown version");
  if (type >= kNumEventTypes) return Status::Corruption("event record: bad type");
  ok = r.Fixed(&e->user_idx) && r.Fixed(&e->session_idx) && r.Fixed(&e->item_idx) &&
       r.Fixed(&e->timestamp_ms) && r.Fixed(&value) && r.LengthPrefixed(&e->query) && r.LengthPrefixed(&e->recomm_id) &&
       r.Fixed(&n_context);
  if (ok) {
    e->context.resize(std::min<uint32_t>(n_context, 1024));
    ok = n_context <= 1024;
    for (size_t i = 0; ok && i < e->context.size(); ++i) {
      ok = r.LengthPrefixed(&e->context[i].first) && r.LengthPrefixed(&e->context[i].second);
    }
  }
  if (!ok || !r.done()) return Status::Corruption("event record: truncated or trailing bytes");
  e->type = static_cast<EventType>(type);
  e->value = (flags & 1) ? std::optional<double>(value) : std::nullopt;
  return Status::OK();
}

}  // namespace recd
