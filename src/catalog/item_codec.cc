// Item encoding, version 1 (little-endian):
//   u8 version | u8 flags (bit0 available, bit1 hidden, bit2 has price) | f64 price |
//   i64 created_ms | i64 expires_ms | str key | str title | str description | str brand |
//   str properties_json | u32 category count | str category...
#include "core/coding.h"

#include "catalog/catalog.h"

namespace recd {

namespace {
constexpr uint8_t kVersion = 1;

}  // namespace

void EncodeItem(const Item& item, std::string* out) {
  out->clear();
  PutFixed<uint8_t>(out, kVersion);
  PutFixed<uint8_t>(out, (item.available ? 1 : 0) | (item.hidden ? 2 : 0) | (item.price ? 4 : 0));
  PutFixed<double>(out, item.price.value_or(0.0));
  PutFixed<int64_t>(out, item.created_ms);
  PutFixed<int64_t>(out, item.expires_ms);
  PutLengthPrefixed(out, item.key);
  PutLengthPrefixed(out, item.title);
  PutLengthPrefixed(out, item.description);
  PutLengthPrefixed(out, item.brand);
  PutLengthPrefixed(out, item.properties_json);
  PutFixed<uint32_t>(out, static_cast<uint32_t>(item.categories.size()));
  for (const auto& c : item.categories) PutLengthPrefixed(out, c);
}

bool DecodeItem(std::string_view bytes, Item* item) {
  Decoder r(bytes);
  uint8_t version = 0, flags = 0;
  double price = 0;
  uint32_t ncat = 0;
  if (!(r.Fixed(&version) && version == kVersion && r.Fixed(&flags) && r.Fixed(&price) &&
        r.Fixed(&item->created_ms) && r.Fixed(&item->expires_ms) && r.LengthPrefixed(&item->key) &&
        r.LengthPrefixed(&item->title) && r.LengthPrefixed(&item->description) && r.LengthPrefixed(&item->brand) &&
        r.LengthPrefixed(&item->properties_json) && r.Fixed(&ncat))) {
    return false;
  }
  item->available = flags & 1;
  item->hidden = flags & 2;
  item->price = (flags & 4) ? std::optional<double>(price) : std::nullopt;
  if (ncat > bytes.size() / 4) return false;  // each category takes at least its length field
  item->categories.resize(ncat);
  for (auto& c : item->categories) {
    if (!r.LengthPrefixed(&c)) return false;
  }
  return r.done();
}

}  // namespace recd
