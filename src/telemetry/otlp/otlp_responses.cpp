#include "telemetry/otlp/otlp_responses.hpp"

#include <boost/json.hpp>

namespace brokle::telemetry::otlp {

namespace {

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_tag(std::string& out, int field, int wire_type) { put_varint(out, static_cast<uint64_t>(field << 3 | wire_type)); }

void put_bytes(std::string& out, int field, std::string_view bytes) {
  put_tag(out, field, 2);
  put_varint(out, bytes.size());
  out.append(bytes);
}

std::string_view rejected_json_name(signal s) {
  switch (s) {
    case signal::traces: return "rejectedSpans";
    case signal::logs: return "rejectedLogRecords";
    case signal::metrics: return "rejectedDataPoints";
  }
  return "rejectedSpans";
}

}  // namespace

std::string export_response(body_encoding encoding, signal s, int64_t rejected, std::string_view message) {
  bool partial = rejected > 0 || !message.empty();
  if (encoding == body_encoding::json) {
    boost::json::object root;
    if (partial) {
      boost::json::object p;
      p[rejected_json_name(s)] = std::to_string(rejected);  // int64 as a string, per the OTLP JSON mapping
      p["errorMessage"] = message;
      root["partialSuccess"] = std::move(p);
    }
    return boost::json::serialize(root);
  }
  if (!partial) return {};
  std::string inner;
  if (rejected > 0) {
    put_tag(inner, 1, 0);
    put_varint(inner, static_cast<uint64_t>(rejected));
  }
  if (!message.empty()) put_bytes(inner, 2, message);
  std::string out;
  put_bytes(out, 1, inner);
  return out;
}

std::string status_response(body_encoding encoding, int grpc_code, std::string_view message) {
  if (encoding == body_encoding::json)
    return boost::json::serialize(boost::json::object{{"code", grpc_code}, {"message", message}});
  std::string out;
  if (grpc_code != 0) {
    put_tag(out, 1, 0);
    put_varint(out, static_cast<uint64_t>(grpc_code));
  }
  if (!message.empty()) put_bytes(out, 2, message);
  return out;
}

std::string status_with_retry_info(int grpc_code, std::string_view message, int64_t retry_after_ms) {
  // Field numbers from googleapis google/rpc/status.proto, error_details.proto and protobuf's
  // any.proto / duration.proto: Status{1 code, 2 message, 3 details}, Any{1 type_url, 2 value},
  // RetryInfo{1 retry_delay}, Duration{1 seconds, 2 nanos}.
  if (retry_after_ms < 0) retry_after_ms = 0;
  std::string duration;
  if (retry_after_ms / 1000 > 0) {
    put_tag(duration, 1, 0);
    put_varint(duration, static_cast<uint64_t>(retry_after_ms / 1000));
  }
  if (retry_after_ms % 1000 > 0) {
    put_tag(duration, 2, 0);
    put_varint(duration, static_cast<uint64_t>(retry_after_ms % 1000 * 1'000'000));
  }
  std::string retry_info;
  put_bytes(retry_info, 1, duration);  // present even when zero: "retry now" differs from "no hint"
  std::string any;
  put_bytes(any, 1, "type.googleapis.com/google.rpc.RetryInfo");
  put_bytes(any, 2, retry_info);
  std::string out = status_response(body_encoding::protobuf, grpc_code, message);
  put_bytes(out, 3, any);
  return out;
}

std::string_view content_type_of(body_encoding encoding) {
  return encoding == body_encoding::json ? "application/json" : "application/x-protobuf";
}

}  // namespace brokle::telemetry::otlp
