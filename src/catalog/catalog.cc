#include "catalog/catalog.h"

#include <algorithm>

#include <simdjson.h>

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

namespace {
void AppendScalar(simdjson::dom::element v, std::vector<std::string>* out) {
  switch (v.type()) {
    case simdjson::dom::element_type::STRING: out->emplace_back(std::string_view(v.get_string())); break;
    case simdjson::dom::element_type::INT64: out->push_back(std::to_string(int64_t(v.get_int64()))); break;
    case simdjson::dom::element_type::UINT64: out->push_back(std::to_string(uint64_t(v.get_uint64()))); break;
    case simdjson::dom::element_type::DOUBLE: out->push_back(simdjson::to_string(v)); break;
    case simdjson::dom::element_type::BOOL: out->push_back(bool(v.get_bool()) ? "true" : "false"); break;
    default: break;
  }
}
}  // namespace

std::vector<std::string> PropertyValues(std::string_view properties_json, std::span<const std::string> names) {
  std::vector<std::string> out;
  if (names.empty()) return out;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(properties_json.data(), properties_json.size()).get_object().get(object)) return out;
  for (const std::string& name : names) {
    simdjson::dom::element v;
    if (object.at_key(name).get(v)) continue;
    simdjson::dom::array array;
    if (v.get_array().get(array) == simdjson::SUCCESS) {
      for (simdjson::dom::element e : array) AppendScalar(e, &out);
    } else {
      AppendScalar(v, &out);
    }
  }
  return out;
}

}  // namespace recd
