// OTLP AnyValue / KeyValue lists as JSON, the form Brokle stores attribute maps in: strings,
// bools, ints (int64, exact), doubles, arrays, kvlists as objects, bytes as base64 strings, an
// unset value as null. Duplicate keys: the last one wins (OTLP says keys should be unique).
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <google/protobuf/repeated_ptr_field.h>

#include "opentelemetry/proto/common/v1/common.pb.h"

namespace brokle::telemetry::otlp {

using key_value_list = google::protobuf::RepeatedPtrField<opentelemetry::proto::common::v1::KeyValue>;

boost::json::value any_value_to_json(const opentelemetry::proto::common::v1::AnyValue& v);
boost::json::object key_values_to_json(const key_value_list& kvs);

// Compact JSON object text of an attribute list ("{}" when empty).
std::string key_values_json_text(const key_value_list& kvs);

// A log body: a string as is, any other value as compact JSON, an unset value as "".
std::string any_value_text(const opentelemetry::proto::common::v1::AnyValue& v);

// The value of the last attribute named `key` when it is a string, else empty.
std::string string_attribute(const key_value_list& kvs, std::string_view key);

}  // namespace brokle::telemetry::otlp
