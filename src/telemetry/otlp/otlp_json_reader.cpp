#include "telemetry/otlp/otlp_json_reader.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "core/base64.hpp"
#include "telemetry/otlp/otlp_decoder.hpp"
#include "telemetry/otlp/otlp_ids.hpp"

namespace brokle::telemetry::otlp {
namespace {

namespace json = boost::json;
namespace pb = google::protobuf;
using field_type = pb::FieldDescriptor::CppType;

// Reads one JSON object into one message by reflection. `path_` names the current field for
// error messages ("resourceSpans[0].scopeSpans[0].spans[2].kind").
class json_message_reader {
 public:
  status read(const json::object& obj, pb::Message& msg, int depth) {
    if (depth > max_nesting_depth) return fail("nesting deeper than " + std::to_string(max_nesting_depth));
    const pb::Descriptor* d = msg.GetDescriptor();
    for (const auto& kv : obj) {
      const std::string key(kv.key());
      const pb::FieldDescriptor* f = d->FindFieldByCamelcaseName(key);
      if (f == nullptr) f = d->FindFieldByName(key);
      if (f == nullptr || kv.value().is_null()) continue;  // unknown fields are ignored by spec
      const size_t mark = path_.size();
      if (!path_.empty()) path_ += '.';
      path_ += key;
      status s = f->is_repeated() ? read_repeated(kv.value(), msg, f, depth) : read_singular(kv.value(), msg, f, depth);
      if (!s) return s;
      path_.resize(mark);
    }
    return ok_v;
  }

 private:
  status fail(std::string what) const {
    return make_error(errc::invalid_argument, "invalid OTLP/JSON at " + (path_.empty() ? "top level" : path_) + ": " + what);
  }

  status read_repeated(const json::value& v, pb::Message& msg, const pb::FieldDescriptor* f, int depth) {
    const json::array* a = v.if_array();
    if (a == nullptr) return fail("expected an array");
    const size_t mark = path_.size();
    for (size_t i = 0; i < a->size(); ++i) {
      path_ += '[';
      path_ += std::to_string(i);
      path_ += ']';
      const json::value& e = (*a)[i];
      status s = ok_v;
      if (f->cpp_type() == field_type::CPPTYPE_MESSAGE) {
        if (!e.is_object()) return fail("expected an object");
        s = read(e.get_object(), *msg.GetReflection()->AddMessage(&msg, f), depth + 1);
      } else if (!e.is_null()) {
        s = set_scalar(e, msg, f, /*add=*/true);
      }
      if (!s) return s;
      path_.resize(mark);
    }
    return ok_v;
  }

  status read_singular(const json::value& v, pb::Message& msg, const pb::FieldDescriptor* f, int depth) {
    if (f->cpp_type() == field_type::CPPTYPE_MESSAGE) {
      if (!v.is_object()) return fail("expected an object");
      return read(v.get_object(), *msg.GetReflection()->MutableMessage(&msg, f), depth + 1);
    }
    return set_scalar(v, msg, f, /*add=*/false);
  }

  status set_scalar(const json::value& v, pb::Message& msg, const pb::FieldDescriptor* f, bool add) {
    const pb::Reflection* r = msg.GetReflection();
    switch (f->cpp_type()) {
      case field_type::CPPTYPE_INT32: {
        auto n = to_integer<int32_t>(v);
        if (!n) return fail("expected a 32-bit integer");
        add ? r->AddInt32(&msg, f, *n) : r->SetInt32(&msg, f, *n);
        return ok_v;
      }
      case field_type::CPPTYPE_INT64: {
        auto n = to_integer<int64_t>(v);
        if (!n) return fail("expected a 64-bit integer (number or decimal string)");
        add ? r->AddInt64(&msg, f, *n) : r->SetInt64(&msg, f, *n);
        return ok_v;
      }
      case field_type::CPPTYPE_UINT32: {
        auto n = to_integer<uint32_t>(v);
        if (!n) return fail("expected an unsigned 32-bit integer");
        add ? r->AddUInt32(&msg, f, *n) : r->SetUInt32(&msg, f, *n);
        return ok_v;
      }
      case field_type::CPPTYPE_UINT64: {
        auto n = to_integer<uint64_t>(v);
        if (!n) return fail("expected an unsigned 64-bit integer (number or decimal string)");
        add ? r->AddUInt64(&msg, f, *n) : r->SetUInt64(&msg, f, *n);
        return ok_v;
      }
      case field_type::CPPTYPE_DOUBLE:
      case field_type::CPPTYPE_FLOAT: {
        auto d = to_double(v);
        if (!d) return fail("expected a number");
        if (f->cpp_type() == field_type::CPPTYPE_FLOAT) {
          add ? r->AddFloat(&msg, f, static_cast<float>(*d)) : r->SetFloat(&msg, f, static_cast<float>(*d));
        } else {
          add ? r->AddDouble(&msg, f, *d) : r->SetDouble(&msg, f, *d);
        }
        return ok_v;
      }
      case field_type::CPPTYPE_BOOL: {
        if (!v.is_bool()) return fail("expected true or false");
        add ? r->AddBool(&msg, f, v.get_bool()) : r->SetBool(&msg, f, v.get_bool());
        return ok_v;
      }
      case field_type::CPPTYPE_ENUM: {
        int number = 0;
        if (const json::string* name = v.if_string()) {
          const pb::EnumValueDescriptor* e = f->enum_type()->FindValueByName(std::string(*name));
          if (e == nullptr) return ok_v;  // an unknown enum name is treated like an unknown field
          number = e->number();
        } else {
          auto n = to_integer<int32_t>(v);
          if (!n) return fail("expected an enum integer");
          number = *n;
        }
        add ? r->AddEnumValue(&msg, f, number) : r->SetEnumValue(&msg, f, number);
        return ok_v;
      }
      case field_type::CPPTYPE_STRING: {
        const json::string* s = v.if_string();
        if (s == nullptr) return fail("expected a string");
        std::string value;
        if (f->type() == pb::FieldDescriptor::TYPE_BYTES) {
          if (is_id_field(f)) {
            auto raw = from_hex(*s);
            // One byte is never a valid id length: the decoder rejects just this item.
            value = raw ? std::move(*raw) : std::string(1, '\0');
          } else {
            auto raw = base64_decode(*s);
            if (!raw) return fail("expected base64");
            value = std::move(*raw);
          }
        } else {
          value.assign(s->data(), s->size());
        }
        add ? r->AddString(&msg, f, std::move(value)) : r->SetString(&msg, f, std::move(value));
        return ok_v;
      }
      case field_type::CPPTYPE_MESSAGE: break;  // handled by the callers
    }
    return fail("unsupported field type");
  }

  static bool is_id_field(const pb::FieldDescriptor* f) {
    const std::string& n = f->name();
    return n == "trace_id" || n == "span_id" || n == "parent_span_id";
  }

  // A JSON number (integral, in range) or a decimal string.
  template <class Int>
  static std::optional<Int> to_integer(const json::value& v) {
    using limits = std::numeric_limits<Int>;
    switch (v.kind()) {
      case json::kind::int64: {
        const int64_t n = v.get_int64();
        if constexpr (std::is_signed_v<Int>) {
          if (n < static_cast<int64_t>(limits::min()) || n > static_cast<int64_t>(limits::max())) return std::nullopt;
        } else {
          if (n < 0 || static_cast<uint64_t>(n) > static_cast<uint64_t>(limits::max())) return std::nullopt;
        }
        return static_cast<Int>(n);
      }
      case json::kind::uint64: {
        const uint64_t n = v.get_uint64();
        if (n > static_cast<uint64_t>(limits::max())) return std::nullopt;
        return static_cast<Int>(n);
      }
      case json::kind::double_: {
        // 1e3 and 5.0 are integers written as doubles; only exactly representable ones count.
        const double d = v.get_double();
        if (!std::isfinite(d) || std::trunc(d) != d) return std::nullopt;
        if (d < static_cast<double>(limits::min()) || d >= std::ldexp(1.0, limits::digits)) return std::nullopt;
        return static_cast<Int>(d);
      }
      case json::kind::string: {
        const json::string& s = v.get_string();
        Int n{};
        const auto r = std::from_chars(s.data(), s.data() + s.size(), n);
        if (r.ec != std::errc() || r.ptr != s.data() + s.size() || s.empty()) return std::nullopt;
        return n;
      }
      default: return std::nullopt;
    }
  }

  // A JSON number, or the proto3 JSON strings "NaN", "Infinity", "-Infinity", or a decimal string.
  static std::optional<double> to_double(const json::value& v) {
    switch (v.kind()) {
      case json::kind::int64: return static_cast<double>(v.get_int64());
      case json::kind::uint64: return static_cast<double>(v.get_uint64());
      case json::kind::double_: return v.get_double();
      case json::kind::string: {
        const json::string& s = v.get_string();
        if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
        if (s == "Infinity") return std::numeric_limits<double>::infinity();
        if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
        double d = 0;
        const auto r = std::from_chars(s.data(), s.data() + s.size(), d);
        if (r.ec != std::errc() || r.ptr != s.data() + s.size() || s.empty()) return std::nullopt;
        return d;
      }
      default: return std::nullopt;
    }
  }

  std::string path_;
};

}  // namespace

status read_otlp_json(std::string_view body, pb::Message& into) {
  json::monotonic_resource arena;
  json::parse_options opts;
  opts.max_depth = max_nesting_depth;
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec, &arena, opts);
  if (ec) return make_error(errc::invalid_argument, "body is not valid JSON: " + ec.message());
  if (!doc.is_object()) return make_error(errc::invalid_argument, "OTLP/JSON body must be a JSON object");
  json_message_reader reader;
  return reader.read(doc.get_object(), into, 0);
}

}  // namespace brokle::telemetry::otlp
