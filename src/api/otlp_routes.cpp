#include "api/otlp_routes.hpp"
#include "core/clock.hpp"

#include <chrono>

#include "api/telemetry_http.hpp"
#include "telemetry/otlp/gzip.hpp"
#include "telemetry/otlp/logs_decoder.hpp"
#include "telemetry/otlp/metrics_decoder.hpp"
#include "telemetry/otlp/trace_decoder.hpp"

namespace brokle::api {

namespace asio = boost::asio;
namespace otlp = telemetry::otlp;
using net::http_method;
using net::http_response;
using net::request_context;

namespace {

// gRPC status codes used in google.rpc.Status bodies.
constexpr int grpc_invalid_argument = 3;
constexpr int grpc_resource_exhausted = 8;
constexpr int grpc_permission_denied = 7;
constexpr int grpc_unavailable = 14;
constexpr int grpc_unauthenticated = 16;
constexpr int grpc_internal = 13;

int grpc_code_for(unsigned http_status) {
  switch (http_status) {
    case 400: return grpc_invalid_argument;
    case 401: return grpc_unauthenticated;
    case 403: return grpc_permission_denied;
    case 413: return grpc_resource_exhausted;
    case 415: return grpc_invalid_argument;
    case 429:
    case 503: return grpc_unavailable;
    default: return grpc_internal;
  }
}

http_response status_reply(otlp::body_encoding enc, unsigned http_status, std::string_view message,
                           const std::vector<net::header_map::entry>& headers = {}) {
  http_response res;
  res.status = http_status;
  res.headers.set("Content-Type", std::string(otlp::content_type_of(enc)));
  res.body = otlp::status_response(enc, grpc_code_for(http_status), message);
  for (const auto& h : headers) res.headers.set(h.name, h.value);
  return res;
}

unsigned http_status_for(errc code) {
  switch (code) {
    case errc::invalid_argument: return 400;
    case errc::unauthenticated: return 401;
    case errc::permission_denied: return 403;
    case errc::too_large: return 413;
    case errc::rate_limited: return 429;
    case errc::unavailable: return 503;
    case errc::timed_out: return 504;
    default: return 500;
  }
}

http_response error_reply(otlp::body_encoding enc, const error& e) {
  std::vector<net::header_map::entry> headers;
  if (e.retry_after_ms > 0) headers.push_back({"Retry-After", std::to_string((e.retry_after_ms + 999) / 1000)});
  unsigned status = http_status_for(e.code);
  return status_reply(enc, status, status == 500 ? "internal error" : e.message, headers);
}

std::optional<otlp::body_encoding> encoding_of(std::string_view content_type) {
  auto semi = content_type.find(';');
  auto base = content_type.substr(0, semi);
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  std::string lower(base);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "application/x-protobuf" || lower == "application/protobuf") return otlp::body_encoding::protobuf;
  if (lower == "application/json") return otlp::body_encoding::json;
  return std::nullopt;
}

struct decoded {
  storage::telemetry_batch batch;
  int64_t rejected = 0;
  std::string message;
};

result<decoded> decode(otlp::signal s, std::string_view body, otlp::body_encoding enc) {
  decoded out;
  switch (s) {
    case otlp::signal::traces: {
      auto r = otlp::decode_traces(body, enc);
      if (!r) return r.err();
      out.batch.spans = std::move(r->spans);
      out.rejected = r->rejected.count();
      out.message = r->rejected.message();
      break;
    }
    case otlp::signal::logs: {
      auto r = otlp::decode_logs(body, enc, unix_now_ns());
      if (!r) return r.err();
      out.batch.logs = std::move(r->logs);
      out.rejected = r->rejected.count();
      out.message = r->rejected.message();
      break;
    }
    case otlp::signal::metrics: {
      auto r = otlp::decode_metrics(body, enc);
      if (!r) return r.err();
      out.batch.metrics = std::move(r->points);
      out.rejected = r->rejected.count();
      out.message = r->rejected.message();
      break;
    }
  }
  return out;
}

}  // namespace

asio::awaitable<http_response> otlp_export(request_context& ctx, otlp_api& api, otlp::signal s,
                                           std::optional<project_scope> scope) {
  auto enc = encoding_of(ctx.request.header("Content-Type"));
  if (!enc)
    co_return status_reply(otlp::body_encoding::json, 415,
                           "Content-Type must be application/x-protobuf or application/json");
  if (!scope) {
    std::string_view key = ctx.request.header("X-API-Key");
    if (key.empty()) key = bearer_of(ctx.request);
    if (key.empty()) {
      if (!api.default_project)
        co_return status_reply(*enc, 401, "send a project API key in X-API-Key or Authorization: Bearer");
      scope = api.default_project;
    } else {
      try {
        scope = admit_api_key(key, api.id).key.scope;
      } catch (const net::request_error& e) {
        co_return status_reply(*enc, e.status, e.message, e.headers);
      }
    }
  }
  auto coding = otlp::parse_content_encoding(ctx.request.header("Content-Encoding"));
  if (!coding) co_return status_reply(*enc, 415, "Content-Encoding must be gzip, deflate or identity");
  std::string inflated;
  std::string_view body = ctx.request.body;
  if (*coding != otlp::content_coding::identity) {
    auto r = otlp::decode_content(body, *coding, api.max_decompressed);
    if (!r) co_return error_reply(*enc, r.err());
    inflated = std::move(*r);
    body = inflated;
  } else if (body.size() > api.max_decompressed) {
    co_return status_reply(*enc, 413, "the request is larger than otlp.max_decompressed");
  }
  auto d = decode(s, body, *enc);
  if (!d) co_return error_reply(*enc, d.err());
  auto ingested = co_await try_ingest_durably(api.ingest, *scope, std::move(d->batch));
  if (!ingested) co_return error_reply(*enc, ingested.err());
  http_response res;
  res.status = 200;
  res.headers.set("Content-Type", std::string(otlp::content_type_of(*enc)));
  res.body = otlp::export_response(*enc, s, d->rejected, d->message);
  co_return res;
}

void add_otlp_routes(net::router& r, otlp_api& api, bool with_traces) {
  if (with_traces)
    r.add(http_method::post, "/v1/traces",
          [&api](request_context& ctx) { return otlp_export(ctx, api, otlp::signal::traces); });
  r.add(http_method::post, "/v1/logs", [&api](request_context& ctx) { return otlp_export(ctx, api, otlp::signal::logs); });
  r.add(http_method::post, "/v1/metrics",
        [&api](request_context& ctx) { return otlp_export(ctx, api, otlp::signal::metrics); });
}

}  // namespace brokle::api
