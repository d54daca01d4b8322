// Dense indices for shop keys, and the map that interns keys into them.
//
// External keys ("sku-98765") live only at the boundary: everything past it uses ItemIdx /
// UserIdx / SessionIdx, dense uint32 indices assigned in order of first appearance.
//
// Thread safety: KeyMap is not synchronized; its owner (the engine) guards it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace recd {

using ItemIdx = uint32_t;
using UserIdx = uint32_t;
using SessionIdx = uint32_t;
inline constexpr uint32_t kNoIdx = UINT32_MAX;

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class KeyMap {
 public:
  // The index of `key`, or nullopt if it was never interned.
  std::optional<uint32_t> Find(std::string_view key) const {
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    return it->second;
  }
  // Interns `key`; sets *inserted when it was new.
  uint32_t Intern(std::string_view key, bool* inserted) {
    auto it = index_.find(key);
    if (it != index_.end()) {
      *inserted = false;
      return it->second;
    }
    *inserted = true;
    uint32_t idx = static_cast<uint32_t>(keys_.size());
    keys_.emplace_back(key);
    index_.emplace(keys_.back(), idx);
    return idx;
  }
  // Restores a mapping read back from the store; indices may arrive in any order.
  void Restore(std::string_view key, uint32_t idx) {
    if (idx >= keys_.size()) keys_.resize(idx + 1);
    keys_[idx] = std::string(key);
    index_.emplace(keys_[idx], idx);
  }
  const std::string& Key(uint32_t idx) const { return keys_[idx]; }
  size_t size() const { return keys_.size(); }

 private:
  std::vector<std::string> keys_;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> index_;
};

}  // namespace recd
