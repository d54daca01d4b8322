#include "catalog/catalog.h"

#include <algorithm>

namespace recd {

void Catalog::Reserve(size_t count) {
  if (entries_.size() < count) {
    entries_.resize(count);
    availability_.resize(count);
  }
}

void Catalog::Upsert(ItemIdx idx, Item item) {
  Reserve(idx + 1);
  Entry& e = entries_[idx];
  if (!e.item) ++described_;
  e.categories.clear();
  for (const std::string& path : item.categories) {
    size_t pos = 0;
    while (true) {
      pos = path.find('/', pos);
      std::string_view prefix(path.data(), pos == std::string::npos ? path.size() : pos);
      if (!prefix.empty()) {
        auto it = category_index_.find(prefix);
        if (it == category_index_.end()) {
          it = category_index_.emplace(std::string(prefix), static_cast<CategoryIdx>(category_index_.size())).first;
        }
        if (std::find(e.categories.begin(), e.categories.end(), it->second) == e.categories.end()) {
          e.categories.push_back(it->second);
        }
      }
      if (pos == std::string::npos) break;
      ++pos;
    }
  }
  availability_[idx] = {item.available && !item.hidden, item.expires_ms};
  e.item = std::make_unique<Item>(std::move(item));
}

const Item* Catalog::Get(ItemIdx idx) const {
  return idx < entries_.size() ? entries_[idx].item.get() : nullptr;
}

bool Catalog::Recommendable(ItemIdx idx, int64_t now_ms) const {
  if (idx >= availability_.size()) return true;
  const Availability& a = availability_[idx];
  return a.sellable && (a.expires_ms == 0 || a.expires_ms > now_ms);
}

std::optional<CategoryIdx> Catalog::FindCategory(std::string_view path) const {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  auto it = category_index_.find(path);
  if (it == category_index_.end()) return std::nullopt;
  return it->second;
}

bool Catalog::InCategory(ItemIdx idx, CategoryIdx category) const {
  if (idx >= entries_.size()) return false;
  const auto& cats = entries_[idx].categories;
  return std::find(cats.begin(), cats.end(), category) != cats.end();
}

std::string_view Catalog::PrimaryCategory(ItemIdx idx) const {
  const Item* item = Get(idx);
  return item && !item->categories.empty() ? std::string_view(item->categories.front()) : "";
}

std::string_view Catalog::DisplayName(ItemIdx idx, std::string_view fallback) const {
  const Item* item = Get(idx);
  return item && !item->title.empty() ? std::string_view(item->title) : fallback;
}

}  // namespace recd
