#include "telemetry/ingest/json_fields.hpp"

#include <boost/json/serialize.hpp>

#include "core/timestamp.hpp"

namespace brokle::telemetry {

const boost::json::value* json_fields::find(std::string_view key) const {
  auto* v = o_.if_contains(key);
  return v && !v->is_null() ? v : nullptr;
}

const boost::json::value* json_fields::find_any(std::initializer_list<std::string_view> keys) const {
  for (auto k : keys)
    if (auto* v = find(k)) return v;
  return nullptr;
}

void json_fields::fail(std::initializer_list<std::string_view> keys, std::string_view what) {
  // Built with append: GCC 12 warns falsely (-Wrestrict) on chains of operator+ here.
  std::string msg;
  msg.reserve(64);
  msg.append("field '").append(*keys.begin()).append("' ").append(what);
  throw field_error(msg);
}

std::optional<std::string> json_fields::string(std::initializer_list<std::string_view> keys, size_t max_len) const {
  auto* v = find_any(keys);
  if (!v) return std::nullopt;
  if (!v->is_string()) fail(keys, "must be a string");
  if (v->as_string().size() > max_len)
    fail(keys, "is longer than " + std::to_string(max_len) + " bytes");
  return std::string(v->as_string());
}

std::optional<std::string> json_fields::id(std::initializer_list<std::string_view> keys) const {
  auto s = string(keys, 128);
  if (!s) return s;
  if (s->empty()) fail(keys, "must not be empty");
  for (unsigned char c : *s)
    if (c <= 0x20 || c == 0x7f) fail(keys, "holds a control character or space");
  return s;
}

std::optional<double> json_fields::number(std::initializer_list<std::string_view> keys) const {
  auto* v = find_any(keys);
  if (!v) return std::nullopt;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  fail(keys, "must be a number");
}

std::optional<int64_t> json_fields::integer(std::initializer_list<std::string_view> keys) const {
  auto* v = find_any(keys);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(v->as_uint64());
  if (v->is_double() && v->as_double() >= -9e18 && v->as_double() <= 9e18) return static_cast<int64_t>(v->as_double());
  fail(keys, "must be an integer");
}

std::optional<bool> json_fields::boolean(std::initializer_list<std::string_view> keys) const {
  auto* v = find_any(keys);
  if (!v) return std::nullopt;
  if (!v->is_bool()) fail(keys, "must be true or false");
  return v->as_bool();
}

std::optional<std::string> json_fields::any_json(std::initializer_list<std::string_view> keys, size_t max_len) const {
  auto* v = find_any(keys);
  if (!v) return std::nullopt;
  auto text = boost::json::serialize(*v);
  if (text.size() > max_len)
    fail(keys, "is larger than " + std::to_string(max_len) + " bytes");
  return text;
}

std::optional<std::string> json_fields::object_json(std::initializer_list<std::string_view> keys, size_t max_len) const {
  auto* v = find_any(keys);
  if (!v) return std::nullopt;
  if (!v->is_object()) fail(keys, "must be an object");
  return any_json(keys, max_len);
}

std::optional<std::vector<std::string>> json_fields::strings(std::initializer_list<std::string_view> keys,
                                                             size_t max_items) const {
  auto* v = find_any(keys);
  if (!v) return std::nullopt;
  if (!v->is_array()) fail(keys, "must be an array of strings");
  if (v->as_array().size() > max_items)
    fail(keys, "holds more than " + std::to_string(max_items) + " items");
  std::vector<std::string> out;
  for (const auto& e : v->as_array()) {
    if (!e.is_string() || e.as_string().size() > 256)
      fail(keys, "must be an array of strings (each at most 256 bytes)");
    out.emplace_back(e.as_string());
  }
  return out;
}

std::optional<int64_t> json_fields::time_ms(std::initializer_list<std::string_view> keys) const {
  auto* v = find_any(keys);
  if (!v) return std::nullopt;
  if (v->is_string()) {
    auto ns = parse_rfc3339_ns(v->as_string());
    if (!ns) fail(keys, "is not an RFC 3339 timestamp");
    return *ns / 1'000'000;
  }
  if (v->is_number()) {
    auto ns = unix_number_to_ns(v->to_number<double>());
    if (ns <= 0) fail(keys, "is not a valid unix time");
    return ns / 1'000'000;
  }
  fail(keys, "must be a timestamp");
}

}  // namespace brokle::telemetry
