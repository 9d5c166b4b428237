// Expected failures as values: a small std::expected stand-in (GCC 12 has no <expected>).
// A result<T> holds either a T or an error{code, message}; codes name the kind of failure so
// the transport can map them to a status without string matching.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace brokle {

enum class errc {
  invalid_argument,   // bad input from the caller (400)
  unauthenticated,    // missing or wrong credentials (401)
  permission_denied,  // authenticated but not allowed (403)
  not_found,          // no such thing in this scope (404)
  conflict,           // already exists / state clash (409)
  too_large,          // over a size limit (413)
  rate_limited,       // over a rate limit (429)
  unavailable,        // overloaded or a dependency is down (503)
  timed_out,          // a dependency did not answer in the time allowed (504)
  internal,           // a bug or an unexpected backend failure (500)
};

struct error {
  errc code = errc::internal;
  std::string message;
  int64_t retry_after_ms = 0;  // for rate_limited / unavailable: when trying again makes sense
};

inline error make_error(errc code, std::string message, int64_t retry_after_ms = 0) {
  return error{code, std::move(message), retry_after_ms};
}

template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  result(error e) : v_(std::in_place_index<1>, std::move(e)) {}      // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const brokle::error& err() const { return std::get<1>(v_); }

 private:
  std::variant<T, brokle::error> v_;
};

// result<void>: success carries nothing.
struct ok_t {};
inline constexpr ok_t ok_v{};

template <>
class [[nodiscard]] result<void> {
 public:
  result() = default;
  result(ok_t) {}                                          // NOLINT
  result(error e) : has_error_(true), e_(std::move(e)) {}  // NOLINT
  bool ok() const noexcept { return !has_error_; }
  explicit operator bool() const noexcept { return ok(); }
  const brokle::error& err() const { return e_; }

 private:
  bool has_error_ = false;
  brokle::error e_;
};

using status = result<void>;

}  // namespace brokle
