#include "api/langfuse_routes.hpp"
#include "core/clock.hpp"

#include <boost/json.hpp>

#include "api/identity_routes.hpp"
#include "api/json_body.hpp"
#include "api/gateway_routes.hpp"
#include "api/telemetry_http.hpp"
#include "telemetry/ingest/langfuse_batch.hpp"

namespace brokle::api {

namespace asio = boost::asio;
using net::http_method;
using net::http_response;
using net::request_context;

namespace {

asio::awaitable<http_response> ingestion(request_context& ctx, langfuse_api& api) {
  auto caller = require_basic_api_key(ctx, api.id);
  auto decoded = telemetry::decode_langfuse_batch(ctx.request.body, unix_now_ms(), environment_of(ctx));
  if (!decoded) fail_with(decoded.err());
  auto& d = *decoded;
  // Acknowledged only once durable; a refusal fails the whole request (503), and the SDK's retry
  // of the batch is harmless because every body is an upsert.
  if (!d.batch.empty()) co_await ingest_durably(api.ingest, caller.key.scope, std::move(d.batch));
  boost::json::array successes, errors;
  for (const auto& s : d.successes) successes.push_back({{"id", s.id}, {"status", s.status}});
  for (const auto& e : d.errors)
    errors.push_back({{"id", e.id}, {"status", e.status}, {"message", e.message}, {"error", e.message}});
  co_return json_ok(boost::json::object{{"successes", std::move(successes)}, {"errors", std::move(errors)}}, 207);
}

asio::awaitable<http_response> otel_traces(request_context& ctx, langfuse_api& api) {
  auto caller = require_basic_api_key(ctx, api.id);
  if (!api.otlp_traces) fail(415, "unsupported_media_type", "OTLP is not enabled on this server");
  co_return co_await api.otlp_traces(ctx, caller.key.scope);
}

}  // namespace

void add_langfuse_routes(net::router& r, langfuse_api& api) {
  r.add(http_method::post, "/api/public/ingestion", [&api](request_context& ctx) { return ingestion(ctx, api); });
  r.add(http_method::post, "/api/public/otel/v1/traces", [&api](request_context& ctx) { return otel_traces(ctx, api); });
}

}  // namespace brokle::api
