#include "telemetry/compact_json.hpp"

#include "core/json_string.hpp"

#include <charconv>
#include <cmath>
#include <string_view>


namespace brokle::telemetry {
namespace {

void append_double(double d, std::string& out) {
  if (std::isnan(d)) {
    out += "\"NaN\"";
    return;
  }
  if (std::isinf(d)) {
    out += d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    return;
  }
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, d);
  const std::string_view text(buf, static_cast<size_t>(r.ptr - buf));
  out += text;
  // Keep doubles recognisable as doubles when read back ("1.0", not "1").
  if (text.find_first_of(".eE") == std::string_view::npos) out += ".0";
}

template <class Int>
void append_integer(Int i, std::string& out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, i);
  out.append(buf, r.ptr);
}

}  // namespace

void append_compact_json(const boost::json::value& v, std::string& out) {
  switch (v.kind()) {
    case boost::json::kind::null: out += "null"; break;
    case boost::json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
    case boost::json::kind::int64: append_integer(v.get_int64(), out); break;
    case boost::json::kind::uint64: append_integer(v.get_uint64(), out); break;
    case boost::json::kind::double_: append_double(v.get_double(), out); break;
    case boost::json::kind::string: append_json_string(out, v.get_string()); break;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out += ',';
        first = false;
        append_compact_json(e, out);
      }
      out += ']';
      break;
    }
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, kv.key());
        out += ':';
        append_compact_json(kv.value(), out);
      }
      out += '}';
      break;
    }
  }
}

std::string to_compact_json(const boost::json::value& v) {
  std::string out;
  append_compact_json(v, out);
  return out;
}

}  // namespace brokle::telemetry
