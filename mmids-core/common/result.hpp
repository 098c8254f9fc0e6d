#pragma once
// Result<T> / Status: how every fallible call outside config parsing and step factories
// reports failure (parsers of peer bytes, URLs, stores, HTTP calls, registrations).
// Failure is an expected input (peers send garbage, networks fail), so it is a value with
// a reason the caller logs or passes on, not an exception. std::expected is C++23 and the
// toolchain is C++20, hence this small stand-in.
#include <string>
#include <utility>
#include <variant>

namespace mmids {

// Why a call failed, in words a log line or an HTTP error body can carry.
struct Error {
  Error() = default;
  explicit Error(std::string why) : reason(std::move(why)) {}
  std::string reason;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  [[nodiscard]] bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Precondition: ok().
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  template <typename U>
  [[nodiscard]] T value_or(U&& fallback) const& {
    return ok() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

  // Precondition: !ok().
  [[nodiscard]] const std::string& error() const { return std::get<1>(state_).reason; }
  [[nodiscard]] Error take_error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error.reason)), failed_(true) {}  // NOLINT

  [[nodiscard]] bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] Error take_error() && { return Error(std::move(error_)); }

 private:
  std::string error_;
  bool failed_ = false;
};

using Status = Result<void>;

}  // namespace mmids
