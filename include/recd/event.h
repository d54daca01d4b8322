// Events: what a shop tells recd about its shoppers' behaviour.
//
// Events arrive with the shop's string keys; the engine interns them to dense indices once, at
// the boundary (see engine.h). Thread safety: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace recd {

enum class EventType : uint8_t {
  kView = 0,
  kClick,
  kAddToCart,
  kRemoveFromCart,
  kPurchase,
  kRating,    // value in [0.5, 5]
  kFavorite,
  kDislike,
  kSearch,    // carries query text, no item
};
inline constexpr int kNumEventTypes = 9;

// "view", "click", "add_to_cart", ... as used in JSON and configuration.
std::string_view EventTypeName(EventType type);
// Inverse of EventTypeName; nullopt for an unknown name.
std::optional<EventType> ParseEventType(std::string_view name);

// Per-event-type weights, indexed by EventType.
using EventWeights = std::array<double, kNumEventTypes>;

struct Event {
  std::string user_key;     // the logged-in shopper; may be empty if session_key is set
  std::string session_key;  // the browsing session; may be empty if user_key is set
  std::string item_key;     // required for every type except kSearch
  EventType type = EventType::kView;
  int64_t timestamp_ms = 0;  // milliseconds since the Unix epoch; 0 means "now"
  std::optional<double> value;  // the rating for kRating; free otherwise
  std::string query;            // the search text for kSearch
  std::string recomm_id;        // the recommendation list that led to this event, if any
  std::vector<std::pair<std::string, std::string>> context;  // free key/values
};

}  // namespace recd
