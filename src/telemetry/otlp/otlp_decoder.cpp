#include "telemetry/otlp/otlp_decoder.hpp"

#include <limits>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/message.h>

#include "opentelemetry/proto/resource/v1/resource.pb.h"
#include "telemetry/otlp/any_value_json.hpp"
#include "telemetry/otlp/otlp_json_reader.hpp"

namespace brokle::telemetry::otlp {

void rejections::add(std::string_view reason) {
  ++count_;
  if (count_ > max_reasons) return;
  if (!reasons_.empty()) reasons_ += "; ";
  reasons_ += reason;
}

std::string rejections::message() const {
  if (count_ == 0) return {};
  std::string m = reasons_;
  if (count_ > max_reasons) m += "; and " + std::to_string(count_ - max_reasons) + " more";
  return m;
}

resource_fields read_resource(const opentelemetry::proto::resource::v1::Resource& resource) {
  resource_fields f;
  const auto& attrs = resource.attributes();
  f.service_name = string_attribute(attrs, "service.name");
  if (f.service_name.empty()) f.service_name = "unknown_service";
  f.environment = string_attribute(attrs, "deployment.environment.name");
  if (f.environment.empty()) f.environment = string_attribute(attrs, "deployment.environment");
  f.resource_json = key_values_json_text(attrs);
  return f;
}

status parse_body(std::string_view body, body_encoding encoding, google::protobuf::Message& into) {
  if (encoding == body_encoding::json) return read_otlp_json(body, into);
  if (body.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return make_error(errc::too_large, "protobuf body over 2 GiB");
  }
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(body.data()),
                                            static_cast<int>(body.size()));
  in.SetRecursionLimit(max_nesting_depth);
  // MergeFromCodedStream + ConsumedEntireMessage: a body that stops mid-field or has a stray end
  // group tag is an error, not a silently shorter request.
  if (!into.MergeFromCodedStream(&in) || !in.ConsumedEntireMessage()) {
    return make_error(errc::invalid_argument, "body is not a valid OTLP protobuf message");
  }
  return ok_v;
}

std::string short_text(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // s[n] continues a character
  return std::string(s.substr(0, n)) + "...";
}

int64_t saturating_int64(uint64_t v) noexcept {
  constexpr auto max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(v > max ? max : v);
}

}  // namespace brokle::telemetry::otlp
