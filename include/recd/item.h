// Catalog items and shoppers as the shop describes them. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace recd {

struct Item {
  std::string key;  // the shop's own id ("sku-98765")
  std::string title;
  std::string description;
  // Category paths with '/' between levels ("electronics/audio/headphones"). A category filter
  // matches an item when the filter equals one of its paths or a prefix of one at a '/' boundary.
  std::vector<std::string> categories;
  std::string brand;
  std::optional<double> price;
  bool available = true;     // in stock / sellable
  bool hidden = false;       // hidden by the shop (DELETE /v1/items/{item} hides)
  int64_t created_ms = 0;    // 0: unknown
  int64_t expires_ms = 0;    // 0: never expires
  std::string properties_json = "{}";  // free properties, a validated JSON object

  // Whether the item may be recommended at time `now_ms`.
  bool Recommendable(int64_t now_ms) const {
    return available && !hidden && (expires_ms == 0 || expires_ms > now_ms);
  }
};

struct User {
  std::string key;
  std::string attributes_json = "{}";  // free attributes, a validated JSON object
};

}  // namespace recd
