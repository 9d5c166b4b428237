#include "app/serve_command.hpp"

#include <signal.h>

#include <cstdio>
#include <iostream>

#include <boost/json.hpp>

#include "api/api_services.hpp"
#include "api/health_routes.hpp"
#include "api/gateway_routes.hpp"
#include "api/identity_routes.hpp"
#include "gateway/call_recorder.hpp"
#include "gateway/call_trace.hpp"
#include "gateway/response_locator.hpp"
#include "gateway/model_catalog.hpp"
#include "gateway/pricing/price_config.hpp"
#include "gateway/project_provider_service.hpp"
#include "api/provider_routes.hpp"
#include "api/langfuse_routes.hpp"
#include "api/otlp_routes.hpp"
#include "api/sdk_telemetry_routes.hpp"
#include "api/telemetry_query_routes.hpp"
#include "app/telemetry_module.hpp"
#include "telemetry/ingest/otlp_grpc_server.hpp"
#include "net/upstream_client.hpp"
#include "app/identity_module.hpp"
#include "app/process_metrics.hpp"
#include "core/allocator.hpp"
#include "core/build_info.hpp"
#include "core/log.hpp"
#include "net/blocking_pool.hpp"
#include "net/http_server.hpp"
#include "net/io_runtime.hpp"
#include "realtime/health_hub.hpp"
#include "storage/store_set.hpp"

namespace brokle::app {

namespace {

void register_pool_metrics(metrics::registry& reg, net::blocking_pool& pool) {
  reg.add_callback("brokle_blocking_pool_queue_depth", "Blocking jobs waiting for a thread.",
                   metrics::family_type::gauge, {},
                   [&pool](auto& out) { out.push_back({{}, static_cast<double>(pool.queue_depth())}); });
  reg.add_callback("brokle_blocking_pool_rejected_total", "Blocking jobs refused because the queue was full.",
                   metrics::family_type::counter, {},
                   [&pool](auto& out) { out.push_back({{}, static_cast<double>(pool.rejected())}); });
  reg.add_callback("brokle_log_lines_dropped_total", "Log lines dropped because the log queue was full.",
                   metrics::family_type::counter, {},
                   [](auto& out) { out.push_back({{}, static_cast<double>(log::dropped())}); });
}

}  // namespace

int serve(const resolved_config& rc) {
  const config& cfg = rc.values;
  // Signals are taken synchronously by this thread; block them before any other thread exists
  // so every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  log::init(cfg.log_level, cfg.log_format);
  log::info("starting brokle", {{"version", build::version}, {"commit", build::commit}, {"malloc", allocator::name()}});

  auto stores = storage::open_sqlite_stores(
      {cfg.data_dir, cfg.sqlite_readers, static_cast<int>(cfg.telemetry_store_busy_timeout.count())});
  if (!stores) {
    log::error("cannot open the store", {{"error", stores.err().message}});
    log::shutdown();
    return 1;
  }
  storage::migration_runner migrations(*stores->migrations, storage::embedded_migration_files());
  if (cfg.auto_migrate) {
    auto applied = migrations.up([](int v, std::string_view name) {
      log::info("applying migration", {{"version", std::to_string(v)}, {"name", name}});
    });
    if (!applied) {
      log::error("migrations failed", {{"error", applied.err().message}});
      log::shutdown();
      return 1;
    }
  }
  if (auto ready = migrations.check_ready(); !ready) {
    log::error("store not ready", {{"error", ready.err().message}});
    log::shutdown();
    return 1;
  }

  auto identity = make_identity_module(cfg, *stores);
  if (!identity) {
    log::error("cannot start identity services", {{"error", identity.err().message}});
    log::shutdown();
    return 1;
  }
  auto& id = **identity;

  auto providers = gateway::load_provider_configs(cfg.config_file);
  if (!providers) {
    log::error("invalid provider configuration", {{"error", providers.err().message}});
    log::shutdown();
    return 1;
  }
  auto price_overrides = gateway::load_price_overrides(cfg.config_file);
  if (!price_overrides) {
    log::error("invalid price configuration", {{"error", price_overrides.err().message}});
    log::shutdown();
    return 1;
  }
  gateway::model_catalog catalog(std::move(*providers));
  gateway::price_table prices;
  for (const auto& [model, price] : *price_overrides) prices.set(model, price);
  net::upstream_client upstream(cfg.gateway_upstream);
  gateway::call_recorder recorder(*stores->generations);  // started once telemetry is up
  id.keys->start(std::chrono::milliseconds(500));
  gateway::provider_directory directory(catalog, *stores->project_providers, *id.secrets);
  if (auto s = directory.start(); !s)
    log::warn("project providers could not be loaded; retrying in the background", {{"error", s.err().message}});
  gateway::project_provider_service provider_service(*stores->project_providers, *id.policy, *id.secrets, *id.audit,
                                                     directory, id.clock);

  metrics::registry registry;
  register_process_metrics(registry);
  registry.add_callback("brokle_api_keys_active", "Active API keys in the in-memory index.",
                        metrics::family_type::gauge, {},
                        [&id](auto& out) { out.push_back({{}, static_cast<double>(id.keys->size())}); });
  registry.add_callback("brokle_audit_append_failures_total", "Audit events that could not be written.",
                        metrics::family_type::counter, {},
                        [&id](auto& out) { out.push_back({{}, static_cast<double>(id.audit->failures())}); });
  registry.add_callback("brokle_rate_limiter_evictions_total", "Rate-limit buckets evicted to stay within bounds.",
                        metrics::family_type::counter, {},
                        [&id](auto& out) { out.push_back({{}, static_cast<double>(id.limiter->evictions())}); });
  net::blocking_pool blocking(cfg.blocking_threads, cfg.blocking_queue, "blocking");
  register_pool_metrics(registry, blocking);

  auto telemetry_started = start_telemetry_module(cfg, *stores, prices, registry);
  if (!telemetry_started) {
    log::error("cannot start the telemetry pipeline", {{"error", telemetry_started.err().message}});
    log::shutdown();
    return 1;
  }
  auto& tm = **telemetry_started;
  if (cfg.gateway_record_traces) {
    // A full ingest queue drops the trace (counted by the pipeline as rejected rows); the call
    // record is kept either way.
    recorder.send_traces_to([&tm](const storage::generation_record& rec, const gateway::call_trace& where) {
      (void)tm.ingest->submit(where.scope, gateway::llm_trace_of(rec, where), nullptr);
    });
  }
  recorder.start();
  std::optional<project_scope> otlp_default_project;
  if (!cfg.otlp_default_project.empty()) {
    auto scope = id.policy->configured_project_scope(cfg.otlp_default_project);
    if (!scope) {
      log::error("otlp.default_project names no project", {{"project_id", cfg.otlp_default_project}});
      log::shutdown();
      return 1;
    }
    otlp_default_project = *scope;
    log::warn("OTLP accepts requests without an API key into the default project; expose it only on a private network",
              {{"project_id", cfg.otlp_default_project}});
  }

  auto started_at = std::chrono::steady_clock::now();
  net::io_runtime runtime(cfg.io_threads, std::chrono::microseconds(cfg.busy_poll_us));
  net::router routes;
  std::unique_ptr<net::http_server> http;

  realtime::health_hub health(
      [&] {
        boost::json::object o;
        o["status"] = "ok";
        o["version"] = build::version;
        o["uptime_seconds"] =
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_at).count();
        o["connections"] = http ? http->active_connections() : 0;
        o["in_flight"] = http ? http->in_flight() : 0;
        auto probe = stores->health->probe();
        if (probe) {
          o["store"] = {{"backend", probe->backend}, {"latency_ms", static_cast<double>(probe->latency.count()) / 1000}};
        } else {
          o["status"] = "degraded";
          o["store"] = {{"backend", stores->backend}, {"error", probe.err().message}};
        }
        o["rss_bytes"] = read_process_memory().rss_bytes;
        return boost::json::serialize(o);
      },
      std::chrono::seconds(5));
  registry.add_callback("brokle_health_stream_subscribers", "Open live health streams.", metrics::family_type::gauge,
                        {}, [&health](auto& out) { out.push_back({{}, static_cast<double>(health.subscribers())}); });

  api::api_services services{*stores, blocking, registry, health, started_at};
  api::add_health_routes(routes, services);
  api::identity_api identity_routes{api::identity_http{*id.auth, *id.keys, *id.limiter, blocking, {}},
                                    *id.orgs,
                                    *id.projects,
                                    *id.accounts,
                                    *id.policy,
                                    *stores->organizations,
                                    *stores->audit};
  api::add_auth_routes(routes, identity_routes);
  api::add_organization_routes(routes, identity_routes);
  api::add_project_routes(routes, identity_routes);
  api::add_account_routes(routes, identity_routes);
  api::add_sdk_auth_routes(routes, identity_routes);
  gateway::response_locator response_locator;
  api::gateway_api gateway_routes{identity_routes.http, directory, prices, upstream, recorder, *id.policy,
                                  *stores->generations, response_locator,
                                  cfg.gateway_record_traces ? tm.ingest.get() : nullptr};
  auto& overhead = registry.add_histogram(
      "brokle_gateway_overhead_seconds",
      "Brokle's own time in an answered gateway call: from the request read to the answer written, less "
      "the time spent waiting on the provider (streams: also the time the client took to read).",
      {"stream"}, metrics::fine_latency_buckets());
  gateway_routes.overhead_answered = &overhead.with({"false"});
  gateway_routes.overhead_streamed = &overhead.with({"true"});
  api::add_gateway_routes(routes, gateway_routes);
  api::provider_api provider_routes{identity_routes.http, provider_service};
  api::add_provider_routes(routes, provider_routes);

  api::otlp_api otlp_routes{identity_routes.http, *tm.ingest, otlp_default_project, cfg.otlp_max_decompressed};
  api::add_otlp_routes(routes, otlp_routes, /*with_traces=*/false);  // /v1/traces below: SDK JSON or OTLP
  telemetry::telemetry_reader telemetry_reader(*id.policy, *stores->telemetry_queries, *stores->retention);
  api::telemetry_query_api query_routes{identity_routes.http, telemetry_reader};
  api::add_telemetry_query_routes(routes, query_routes);
  api::sdk_telemetry_api sdk_routes{identity_routes.http, *tm.ingest, {}, {}};
  auto& retention_store = *stores->retention;
  sdk_routes.delete_trace = [&retention_store](const project_scope& scope, const std::string& trace_id) {
    return retention_store.delete_trace(scope, trace_id);
  };
  sdk_routes.otlp_traces = [&otlp_routes](net::request_context& ctx) {
    return api::otlp_export(ctx, otlp_routes, telemetry::otlp::signal::traces);
  };
  api::add_sdk_telemetry_routes(routes, sdk_routes);
  api::langfuse_api langfuse_routes{identity_routes.http, *tm.ingest, {}};
  langfuse_routes.otlp_traces = [&otlp_routes](net::request_context& ctx, const project_scope& scope) {
    return api::otlp_export(ctx, otlp_routes, telemetry::otlp::signal::traces, scope);
  };
  api::add_langfuse_routes(routes, langfuse_routes);
  net::router otlp_http_routes;
  api::add_otlp_routes(otlp_http_routes, otlp_routes, /*with_traces=*/true);
  registry.add_callback("brokle_project_providers", "Project-level providers loaded for routing.",
                        metrics::family_type::gauge, {}, [&directory](auto& out) {
                          out.push_back({{}, static_cast<double>(directory.project_providers())});
                        });
  registry.add_callback("brokle_gateway_records_dropped_total",
                        "Gateway call records dropped (queue full or store failing).", metrics::family_type::counter,
                        {}, [&recorder](auto& out) { out.push_back({{}, static_cast<double>(recorder.dropped())}); });
  registry.add_callback("brokle_gateway_records_written_total", "Gateway call records written.",
                        metrics::family_type::counter, {},
                        [&recorder](auto& out) { out.push_back({{}, static_cast<double>(recorder.written())}); });

  http = std::make_unique<net::http_server>("http", cfg.http, routes, runtime, registry);
  auto port = http->listen();
  if (!port) {
    log::error("cannot start the HTTP listener", {{"error", port.err().message}});
    log::shutdown();
    return 1;
  }
  std::unique_ptr<net::http_server> otlp_http;
  uint16_t otlp_http_port = 0;
  if (cfg.otlp_enabled) {
    auto opts = cfg.http;
    opts.port = cfg.otlp_http_port;
    opts.access_log = false;  // exporters send steadily; the request metrics still count them
    opts.body_limit = std::max(opts.body_limit, cfg.otlp_max_decompressed);
    otlp_http = std::make_unique<net::http_server>("otlp_http", opts, otlp_http_routes, runtime, registry);
    auto p = otlp_http->listen();
    if (!p) {
      log::error("cannot start the OTLP/HTTP listener", {{"error", p.err().message}});
      log::shutdown();
      return 1;
    }
    otlp_http_port = *p;
  }
  std::unique_ptr<telemetry::otlp_grpc_server> otlp_grpc;
  if (cfg.otlp_enabled) {
    telemetry::otlp_grpc_options g;
    g.bind_address = cfg.http.bind_address;
    g.port = cfg.otlp_grpc_port;
    g.max_message_bytes = cfg.otlp_max_decompressed;
    g.default_project = otlp_default_project;
    auto& keys = *id.keys;
    g.authenticate = [&keys](std::string_view key) -> result<project_scope> {
      auto p = keys.validate(key);
      if (!p) return make_error(errc::unauthenticated, p.err().message);
      return p->scope;
    };
    otlp_grpc = std::make_unique<telemetry::otlp_grpc_server>(*tm.ingest, std::move(g));
    auto p = otlp_grpc->start();
    if (!p) {
      log::error("cannot start the OTLP/gRPC listener", {{"error", p.err().message}});
      log::shutdown();
      return 1;
    }
    registry.add_callback("brokle_otlp_grpc_requests_total", "OTLP/gRPC export calls by signal.",
                          metrics::family_type::counter, {"signal"}, [&otlp_grpc](auto& out) {
                            auto c = otlp_grpc->counters();
                            out.push_back({{"traces"}, static_cast<double>(c.trace_requests)});
                            out.push_back({{"logs"}, static_cast<double>(c.log_requests)});
                            out.push_back({{"metrics"}, static_cast<double>(c.metric_requests)});
                          });
    registry.add_callback("brokle_otlp_grpc_refused_total", "OTLP/gRPC calls refused, by reason.",
                          metrics::family_type::counter, {"reason"}, [&otlp_grpc](auto& out) {
                            auto c = otlp_grpc->counters();
                            out.push_back({{"unauthenticated"}, static_cast<double>(c.unauthenticated)});
                            out.push_back({{"invalid"}, static_cast<double>(c.invalid)});
                            out.push_back({{"unavailable"}, static_cast<double>(c.unavailable)});
                            out.push_back({{"failed"}, static_cast<double>(c.failed)});
                          });
  }
  runtime.start();
  health.start();

  std::string host = cfg.http.bind_address == "0.0.0.0" ? "127.0.0.1" : cfg.http.bind_address;
  log::info("gateway", {{"providers", std::to_string(catalog.providers().size())},
                        {"models", std::to_string(catalog.models().size())},
                        {"price_overrides", std::to_string(price_overrides->size())}});
  log::info("listening", {{"listener", "http"}, {"address", cfg.http.bind_address}, {"port", std::to_string(*port)}});
  std::string otlp_line;
  if (otlp_http) otlp_line += "  otlp/http   http://" + host + ":" + std::to_string(otlp_http_port) + "  (/v1/traces, /v1/logs, /v1/metrics)\n";
  if (otlp_grpc) otlp_line += "  otlp/grpc   " + host + ":" + std::to_string(otlp_grpc->port()) + "  (TraceService, LogsService, MetricsService)\n";
  std::printf(
      "brokle %s is running\n"
      "  http        http://%s:%u  (health /health, readiness /health/db, metrics /metrics)\n"
      "%s"
      "  store       %s (%s)\n"
      "  io threads  %zu\n"
      "First steps:\n"
      "  create an account   curl -X POST http://%s:%u/api/v1/auth/signup -H 'Content-Type: application/json' \\\n"
      "                        -d '{\"email\":\"you@example.com\",\"password\":\"at-least-12-chars\"}'\n"
      "  or from the shell   brokle user create --email you@example.com --password-stdin --admin\n"
      "                      brokle project create --name my-app   then   brokle key create --project my-app\n"
      "Press Ctrl-C to stop.\n",
      build::version, host.c_str(), static_cast<unsigned>(*port), otlp_line.c_str(), stores->location.c_str(), stores->backend.c_str(),
      runtime.size(), host.c_str(), static_cast<unsigned>(*port));
  std::fflush(stdout);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  log::info("shutting down", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"},
                              {"deadline", std::to_string(cfg.shutdown_timeout.count()) + "ms"}});

  // Order: stop taking work, let in-flight requests finish, close live streams, then flush
  // pipelines and stop the threads they use.
  auto deadline = std::chrono::steady_clock::now() + cfg.shutdown_timeout;
  http->begin_shutdown();
  if (otlp_http) otlp_http->begin_shutdown();
  health.stop();
  bool drained = http->wait_drained(deadline);
  if (otlp_http) drained = otlp_http->wait_drained(deadline) && drained;
  if (!drained)
    log::warn("shutdown deadline passed with connections open",
              {{"connections", std::to_string(http->active_connections())}});
  if (otlp_grpc) otlp_grpc->stop(std::chrono::system_clock::now() + cfg.shutdown_timeout / 2);
  runtime.stop();
  blocking.stop();
  recorder.stop();  // writes every queued call record and hands its traces to telemetry
  tm.stop();        // writes every queued telemetry row (acknowledged requests are already durable)
  directory.stop();
  id.keys->stop();
  log::info("stopped", {{"clean", drained ? "true" : "false"}});
  log::shutdown();
  return 0;
}

}  // namespace brokle::app
