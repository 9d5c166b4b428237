// Compatibility: the official OpenTelemetry JS SDK and its OTLP exporters (HTTP/JSON and
// HTTP/protobuf on the main port and the OTLP/HTTP port, Langfuse's OTLP endpoint, and OTLP/gRPC
// when the server has it), installed by scripts/bootstrap.sh into tests/compat/node_modules, send
// traces and logs that are then read back through the query API. The checks are in
// otel_compat.mjs.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/gateway_env.hpp"
#include "compat/node_script.hpp"

namespace brokle::testing {
namespace {

// gateway_env's dashboard user.
constexpr const char* user_email = "gw@example.com";
constexpr const char* user_password = "gateway password";

node_script_result run_otel(gateway_env& g, const std::string& mode) {
  return run_node_script(g.dir.path(), "otel_compat.mjs",
                         {mode, std::to_string(g.port()), std::to_string(g.server->otlp_http_port()),
                          std::to_string(g.server->otlp_grpc_port()), g.project_id, g.key, user_email, user_password});
}

}  // namespace

TEST(telemetry_compat, opentelemetry_js_http_exporters_traces_and_logs_are_queryable) {
  ASSERT_TRUE(std::filesystem::exists(compat_dir() + "/node_modules/@opentelemetry/exporter-trace-otlp-proto"))
      << "scripts/bootstrap.sh installs it";
  gateway_env g;
  ASSERT_NE(g.server->otlp_http_port(), 0) << "the banner names no otlp/http listener:\n" << g.server->stdout_text();
  auto r = run_otel(g, "http");
  EXPECT_TRUE(r.passed()) << "exit " << r.exit_code << "\n" << r.output;
}

TEST(telemetry_compat, opentelemetry_js_grpc_exporters_traces_and_logs_are_queryable) {
  gateway_env g;
  if (g.server->otlp_grpc_port() == 0) GTEST_SKIP() << "this server's banner has no otlp/grpc listener";
  auto r = run_otel(g, "grpc");
  EXPECT_TRUE(r.passed()) << "exit " << r.exit_code << "\n" << r.output;
}

}  // namespace brokle::testing
