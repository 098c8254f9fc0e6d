#pragma once
// Result<T> / Status: how every parser in this folder reports failure. Peers send
// garbage; garbage is an expected input, so it is a value with a reason (logged by the
// session, which then closes the connection), not an exception. std::expected is
// C++23 and the toolchain is C++20, hence this small stand-in.
#include <string>
#include <utility>
#include <variant>

namespace mmids::rtmp {

struct ProtocolError {
  std::string reason;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit on purpose
  Result(ProtocolError error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  [[nodiscard]] bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Precondition: ok().
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // Precondition: !ok().
  [[nodiscard]] const std::string& error() const { return std::get<1>(state_).reason; }
  [[nodiscard]] ProtocolError take_error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, ProtocolError> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(ProtocolError error) : error_(std::move(error.reason)), failed_(true) {}  // NOLINT

  [[nodiscard]] bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  std::string error_;
  bool failed_ = false;
};

using Status = Result<void>;

inline ProtocolError protocol_error(std::string reason) { return ProtocolError{std::move(reason)}; }

}  // namespace mmids::rtmp
