#include "telemetry/otlp/any_value_json.hpp"

#include "telemetry/compact_json.hpp"
#include "core/base64.hpp"

namespace brokle::telemetry::otlp {

using opentelemetry::proto::common::v1::AnyValue;

boost::json::value any_value_to_json(const AnyValue& v) {
  switch (v.value_case()) {
    case AnyValue::kStringValue: return boost::json::value(v.string_value());
    case AnyValue::kBoolValue: return boost::json::value(v.bool_value());
    case AnyValue::kIntValue: return boost::json::value(static_cast<std::int64_t>(v.int_value()));
    case AnyValue::kDoubleValue: return boost::json::value(v.double_value());
    case AnyValue::kArrayValue: {
      boost::json::array a;
      a.reserve(static_cast<size_t>(v.array_value().values_size()));
      for (const auto& e : v.array_value().values()) a.push_back(any_value_to_json(e));
      return a;
    }
    case AnyValue::kKvlistValue: return key_values_to_json(v.kvlist_value().values());
    case AnyValue::kBytesValue: return boost::json::value(base64_encode(v.bytes_value()));
    // A profiles dictionary index means nothing outside a profile: treat it as no value.
    case AnyValue::kStringValueStrindex:
    case AnyValue::VALUE_NOT_SET: break;
  }
  return nullptr;
}

boost::json::object key_values_to_json(const key_value_list& kvs) {
  boost::json::object o;
  o.reserve(static_cast<size_t>(kvs.size()));
  for (const auto& kv : kvs) o.insert_or_assign(kv.key(), any_value_to_json(kv.value()));
  return o;
}

std::string key_values_json_text(const key_value_list& kvs) {
  if (kvs.empty()) return "{}";
  return to_compact_json(key_values_to_json(kvs));
}

std::string any_value_text(const AnyValue& v) {
  if (v.value_case() == AnyValue::kStringValue) return v.string_value();
  if (v.value_case() == AnyValue::VALUE_NOT_SET) return {};
  return to_compact_json(any_value_to_json(v));
}

std::string string_attribute(const key_value_list& kvs, std::string_view key) {
  for (int i = kvs.size() - 1; i >= 0; --i) {
    const auto& kv = kvs.Get(i);
    if (kv.key() == key) return kv.value().value_case() == AnyValue::kStringValue ? kv.value().string_value() : "";
  }
  return {};
}

}  // namespace brokle::telemetry::otlp
