// Little-endian fixed-width and length-prefixed encoding for the store's binary records
// (in the spirit of LevelDB util/coding.h).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace recd {

// 64-bit FNV-1a: a fast checksum / fingerprint, not for adversarial input.
inline uint64_t Fnv1a64(std::string_view bytes, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
  return h;
}

template <typename T>
inline void PutFixed(std::string* out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out->append(buf, sizeof(T));
}

inline void PutLengthPrefixed(std::string* out, std::string_view s) {
  PutFixed<uint32_t>(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}

// Reads what PutFixed / PutLengthPrefixed wrote; each call returns false when the input is
// too short, and leaves the output untouched then.
class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}
  template <typename T>
  bool Fixed(T* v) {
    if (in_.size() < sizeof(T)) return false;
    std::memcpy(v, in_.data(), sizeof(T));
    in_.remove_prefix(sizeof(T));
    return true;
  }
  bool LengthPrefixed(std::string* s) {
    uint32_t n = 0;
    if (in_.size() < sizeof(n)) return false;
    std::memcpy(&n, in_.data(), sizeof(n));
    if (in_.size() - sizeof(n) < n) return false;
    s->assign(in_.data() + sizeof(n), n);
    in_.remove_prefix(sizeof(n) + n);
    return true;
  }
  bool done() const { return in_.empty(); }
  size_t remaining() const { return in_.size(); }

 private:
  std::string_view in_;
};

}  // namespace recd
