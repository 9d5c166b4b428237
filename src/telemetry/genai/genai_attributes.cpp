#include "telemetry/genai/genai_attributes.hpp"

#include <charconv>
#include <cmath>

#include <boost/json/parse.hpp>

namespace brokle::telemetry::genai {
namespace {

std::optional<int64_t> as_count(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::int64:
      if (v.get_int64() >= 0) return v.get_int64();
      break;
    case boost::json::kind::uint64:
      if (v.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(v.get_uint64());
      break;
    case boost::json::kind::double_: {
      const double d = v.get_double();
      if (std::isfinite(d) && d >= 0 && d < 9.2e18 && std::trunc(d) == d) return static_cast<int64_t>(d);
      break;
    }
    case boost::json::kind::string: {
      const auto& s = v.get_string();
      int64_t n = 0;
      const auto r = std::from_chars(s.data(), s.data() + s.size(), n);
      if (r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty() && n >= 0) return n;
      break;
    }
    default: break;
  }
  return std::nullopt;
}

}  // namespace

std::string first_string(const boost::json::object& attrs, std::initializer_list<std::string_view> keys) {
  for (const auto key : keys) {
    const auto it = attrs.find(key);
    if (it != attrs.end() && it->value().is_string() && !it->value().get_string().empty()) {
      return std::string(it->value().get_string());
    }
  }
  return {};
}

std::optional<int64_t> first_count(const boost::json::object& attrs, std::initializer_list<std::string_view> keys) {
  for (const auto key : keys) {
    const auto it = attrs.find(key);
    if (it == attrs.end()) continue;
    if (auto n = as_count(it->value())) return n;
  }
  return std::nullopt;
}

boost::json::value structured(const boost::json::value& v) {
  const auto* s = v.if_string();
  if (s == nullptr) return v;
  const auto first = s->find_first_not_of(" \t\r\n");
  if (first == boost::json::string::npos || ((*s)[first] != '[' && (*s)[first] != '{')) return v;
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(*s, ec);
  return ec ? v : parsed;
}

}  // namespace brokle::telemetry::genai
