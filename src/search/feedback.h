// SearchFeedback: what shoppers chose after a search, so that search learns from it. The shop
// records a search as a `search` event carrying its query and the recomm_id GET /v1/search
// returned; a later event on an item with the same recomm_id (a click, a cart, a purchase) is
// attributed to that query. Each (query, item) pair sums the attributed weight, and later
// searches for the same query rank items by it beside text relevance (search.click_weight).
//
// Queries are compared normalised: ASCII lower-cased, runs of spaces as one, trimmed. The last
// kRemembered recomm_ids are remembered; an event naming an older one is not attributed.
//
// Thread safety: not synchronized; the engine guards it with its state lock.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/ids.h"

namespace recd {

// "  Red  Kettle " -> "red kettle".
std::string NormalizeQuery(std::string_view query);

class SearchFeedback {
 public:
  static constexpr size_t kRemembered = 100000;

  // A search was shown under `recomm_id` (empty: nothing to attribute later).
  void Searched(std::string_view recomm_id, std::string_view query);
  // The shopper acted on `item` from the list `recomm_id` with `weight` (> 0 counts).
  void Chose(std::string_view recomm_id, ItemIdx item, double weight);
  // The items chosen after searching `query`, with their summed weights; null if none.
  const std::unordered_map<ItemIdx, double>* ChosenFor(std::string_view query) const;

 private:
  std::unordered_map<std::string, std::string> query_of_;  // recomm_id -> normalised query
  std::deque<std::string> order_;                          // recomm_ids, oldest first
  std::unordered_map<std::string, std::unordered_map<ItemIdx, double>> chosen_;
};

}  // namespace recd
