#include "recd/status.h"

#include <string>

#include "recd/event.h"

namespace recd {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kCorruption: return "corruption";
    case StatusCode::kIOError: return "io_error";
    case StatusCode::kNotSupported: return "not_supported";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kPayloadTooLarge: return "payload_too_large";
    case StatusCode::kInternal: return "internal";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(code_, std::string(context) + message_);
}

namespace {
constexpr std::string_view kEventTypeNames[kNumEventTypes] = {
    "view", "click", "add_to_cart", "remove_from_cart", "purchase",
    "rating", "favorite", "dislike", "search"};
}  // namespace

std::string_view EventTypeName(EventType type) {
  return kEventTypeNames[static_cast<int>(type)];
}

std::optional<EventType> ParseEventType(std::string_view name) {
  for (int i = 0; i < kNumEventTypes; ++i) {
    if (kEventTypeNames[i] == name) return static_cast<EventType>(i);
  }
  return std::nullopt;
}

}  // namespace recd
