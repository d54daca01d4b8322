// Catalog: the shop's items in memory, indexed by ItemIdx, with what filters need at hand
// (recommendability, category membership).
//
// Categories are paths ("electronics/audio/headphones"); each item is a member of every prefix
// of each of its paths ("electronics", "electronics/audio", ...), so a filter on a parent
// category matches its children.
//
// Thread safety: not synchronized; the engine guards it with a reader/writer lock.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/ids.h"
#include "recd/item.h"

namespace recd {

using CategoryIdx = uint32_t;

class Catalog {
 public:
  // Sets or replaces the description of item `idx`.
  void Upsert(ItemIdx idx, Item item);
  // Makes room for item indices below `count` (items known only from events).
  void Reserve(size_t count);

  // The item's description, or nullptr when the shop never described it.
  const Item* Get(ItemIdx idx) const;
  // Items without a description are recommendable: events may precede the catalog.
  bool Recommendable(ItemIdx idx, int64_t now_ms) const;
  // The category index of `path`, or nullopt when no item is in it.
  std::optional<CategoryIdx> FindCategory(std::string_view path) const;
  bool InCategory(ItemIdx idx, CategoryIdx category) const;
  // The item's first category path, or "" when it has none.
  std::string_view PrimaryCategory(ItemIdx idx) const;
  // A human name for explanations: the title, else the key given by the caller.
  std::string_view DisplayName(ItemIdx idx, std::string_view fallback) const;

  size_t size() const { return entries_.size(); }
  size_t described() const { return described_; }

 private:
  struct Entry {
    std::unique_ptr<Item> item;
    std::vector<CategoryIdx> categories;  // every prefix of every path
  };
  // What the filter reads for every candidate, kept dense apart from the descriptions.
  struct Availability {
    bool sellable = true;    // available and not hidden (true while undescribed)
    int64_t expires_ms = 0;  // 0: never
  };
  std::vector<Entry> entries_;
  std::vector<Availability> availability_;
  std::unordered_map<std::string, CategoryIdx, StringHash, std::equal_to<>> category_index_;
  size_t described_ = 0;
};

// Binary encoding of an Item for the items column family (versioned like EventRecord).
// The values of the properties named `names` in an item's properties JSON object, as text:
// strings as they are, numbers and booleans printed, arrays element by element. Other values
// (objects, null) are skipped. Used for the "chosen properties" of search and content models.
std::vector<std::string> PropertyValues(std::string_view properties_json, std::span<const std::string> names);

void EncodeItem(const Item& item, std::string* out);
bool DecodeItem(std::string_view bytes, Item* item);

}  // namespace recd
