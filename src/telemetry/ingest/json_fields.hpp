// Reading the JSON bodies of the SDK and Langfuse ingestion routes: optional fields with type
// checks that name the field, ids with bounded length, free-form values kept as JSON text, and
// timestamps as RFC 3339 text or unix numbers. Failures throw field_error, which the decoders
// turn into one invalid_argument per record (a batch reports each bad record on its own).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace brokle::telemetry {

struct field_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class json_fields {
 public:
  explicit json_fields(const boost::json::object& o) : o_(o) {}

  const boost::json::value* find(std::string_view key) const;  // null when absent or JSON null
  // Tries each spelling in turn (camelCase and snake_case of the same field).
  const boost::json::value* find_any(std::initializer_list<std::string_view> keys) const;

  std::optional<std::string> string(std::initializer_list<std::string_view> keys, size_t max_len = 4096) const;
  // Printable id of 1..128 bytes.
  std::optional<std::string> id(std::initializer_list<std::string_view> keys) const;
  std::optional<double> number(std::initializer_list<std::string_view> keys) const;
  std::optional<int64_t> integer(std::initializer_list<std::string_view> keys) const;
  std::optional<bool> boolean(std::initializer_list<std::string_view> keys) const;
  // Any JSON value, serialized (bounded).
  std::optional<std::string> any_json(std::initializer_list<std::string_view> keys, size_t max_len = 1 << 20) const;
  // A JSON object, serialized.
  std::optional<std::string> object_json(std::initializer_list<std::string_view> keys, size_t max_len = 1 << 20) const;
  std::optional<std::vector<std::string>> strings(std::initializer_list<std::string_view> keys, size_t max_items = 100) const;
  // Unix milliseconds from RFC 3339 text or a unix number.
  std::optional<int64_t> time_ms(std::initializer_list<std::string_view> keys) const;

 private:
  [[noreturn]] static void fail(std::initializer_list<std::string_view> keys, std::string_view what);
  const boost::json::object& o_;
};

}  // namespace brokle::telemetry
