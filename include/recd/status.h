// Status and Result<T>: how every expected failure in recd is reported.
//
// A Status is either OK or carries a code and a human-readable message that says what was wrong
// and where ("events[3].type: unknown event type 'bought'"). Invariant violations are not
// Statuses: they abort through RECD_CHECK. No exception crosses the public API.
//
// Thread safety: Status and Result are values; distinct objects may be used from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace recd {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // the caller sent something malformed
  kNotFound,          // a named entity does not exist
  kCorruption,        // stored data failed a check
  kIOError,           // the operating system or the store failed
  kNotSupported,      // the operation is not offered by this component
  kUnavailable,       // not ready yet (loading, shutting down)
  kPayloadTooLarge,   // a request exceeded a configured size limit
  kInternal,          // a bug: should not happen
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status NotSupported(std::string msg) { return {StatusCode::kNotSupported, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status PayloadTooLarge(std::string msg) { return {StatusCode::kPayloadTooLarge, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  bool IsInvalidArgument() const { return code_ == StatusCode::kInvalidArgument; }
  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsCorruption() const { return code_ == StatusCode::kCorruption; }
  bool IsUnavailable() const { return code_ == StatusCode::kUnavailable; }

  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "InvalidArgument: events[3].type: unknown event type 'bought'".
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` ("line 12: ").
  Status WithContext(std::string_view context) const;

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Short, stable name of a code ("invalid_argument"), used in JSON error bodies.
std::string_view StatusCodeName(StatusCode code);

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace recd

#define RECD_STATUS_CONCAT_INNER(a, b) a##b
#define RECD_STATUS_CONCAT(a, b) RECD_STATUS_CONCAT_INNER(a, b)
// Returns the Status of `expr` from the enclosing function when it is not OK.
#define RECD_RETURN_IF_ERROR(expr) RECD_RETURN_IF_ERROR_IMPL(RECD_STATUS_CONCAT(_recd_st_, __COUNTER__), expr)
#define RECD_RETURN_IF_ERROR_IMPL(var, expr) \
  do {                                       \
    ::recd::Status var = (expr);             \
    if (!var.ok()) return var;               \
  } while (0)
