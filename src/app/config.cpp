#include "app/config.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "core/dotenv.hpp"
#include "core/units.hpp"

namespace brokle::app {

std::string_view source_name(setting_source s) {
  switch (s) {
    case setting_source::defaults: return "default";
    case setting_source::file: return "config file";
    case setting_source::dotenv: return ".env";
    case setting_source::environment: return "environment";
    case setting_source::flag: return "flag";
  }
  return "?";
}

namespace {

template <class T>
bool set_port(T& out, const std::string& v) {
  auto n = parse_int(v);
  if (!n || *n < 0 || *n > 65535) return false;
  out = static_cast<T>(*n);
  return true;
}

bool set_count(size_t& out, const std::string& v, int64_t min, int64_t max) {
  auto n = parse_int(v);
  if (!n || *n < min || *n > max) return false;
  out = static_cast<size_t>(*n);
  return true;
}

bool set_size(size_t& out, const std::string& v, uint64_t min, uint64_t max) {
  auto n = parse_size(v);
  if (!n || *n < min || *n > max) return false;
  out = static_cast<size_t>(*n);
  return true;
}

bool set_duration(std::chrono::milliseconds& out, const std::string& v, std::chrono::milliseconds min) {
  auto d = parse_duration(v);
  if (!d || *d < min) return false;
  out = *d;
  return true;
}

bool set_bool(bool& out, const std::string& v) {
  auto b = parse_bool(v);
  if (!b) return false;
  out = *b;
  return true;
}

std::vector<std::string> split_list(const std::string& v) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : v) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::string join_list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

constexpr uint64_t kMiB = 1024 * 1024;

std::vector<setting> make_settings() {
  std::vector<setting> s;
  s.push_back({"http.address", "BROKLE_HTTP_ADDRESS", "http-address", "Address the HTTP listener binds.",
               "an IPv4/IPv6 address", false,
               [](config& c, const std::string& v) {
                 if (v.empty()) return false;
                 c.http.bind_address = v;
                 return true;
               },
               [](const config& c) { return c.http.bind_address; }});
  s.push_back({"http.port", "BROKLE_HTTP_PORT", "http-port",
               "HTTP port: gateway /v1, dashboard API /api/v1, UI, /metrics, /health.", "an integer 0-65535", false,
               [](config& c, const std::string& v) { return set_port(c.http.port, v); },
               [](const config& c) { return std::to_string(c.http.port); }});
  s.push_back({"http.threads", "BROKLE_HTTP_THREADS", "http-threads", "I/O threads (0 = one per core).",
               "an integer 0-256", false, [](config& c, const std::string& v) { return set_count(c.io_threads, v, 0, 256); },
               [](const config& c) { return std::to_string(c.io_threads); }});
  s.push_back({"http.busy_poll_us", "BROKLE_HTTP_BUSY_POLL_US", "http-busy-poll-us",
               "Microseconds an I/O thread keeps polling for new events before sleeping (0 = off). Saves a "
               "wake-up per request hop at low load (measured: gateway p50 at one connection 171-180 µs -> "
               "95-119 µs); costs CPU only while traffic flows.",
               "an integer 0-1000", false, [](config& c, const std::string& v) { return set_count(c.busy_poll_us, v, 0, 1000); },
               [](const config& c) { return std::to_string(c.busy_poll_us); }});
  s.push_back({"http.body_limit", "BROKLE_HTTP_BODY_LIMIT", "http-body-limit",
               "Largest request body accepted; larger requests get 413.", "a size like 10MiB (1KiB-1GiB)", false,
               [](config& c, const std::string& v) { return set_size(c.http.body_limit, v, 1024, 1024 * kMiB); },
               [](const config& c) { return format_size(c.http.body_limit); }});
  s.push_back({"http.header_limit", "BROKLE_HTTP_HEADER_LIMIT", "http-header-limit",
               "Largest request header block; larger requests get 431.", "a size like 16KiB (1KiB-1MiB)", false,
               [](config& c, const std::string& v) { return set_size(c.http.header_limit, v, 1024, kMiB); },
               [](const config& c) { return format_size(c.http.header_limit); }});
  s.push_back({"http.max_connections", "BROKLE_HTTP_MAX_CONNECTIONS", "http-max-connections",
               "Open connections allowed; past it new connections are closed at accept.", "an integer 1-1000000",
               false, [](config& c, const std::string& v) { return set_count(c.http.max_connections, v, 1, 1000000); },
               [](const config& c) { return std::to_string(c.http.max_connections); }});
  s.push_back({"http.header_timeout", "BROKLE_HTTP_HEADER_TIMEOUT", "http-header-timeout",
               "Time allowed from a request's first byte to the end of its headers (slow clients get 408).",
               "a duration like 10s (>= 100ms)", false,
               [](config& c, const std::string& v) {
                 return set_duration(c.http.header_timeout, v, std::chrono::milliseconds(100));
               },
               [](const config& c) { return format_duration(c.http.header_timeout); }});
  s.push_back({"http.idle_timeout", "BROKLE_HTTP_IDLE_TIMEOUT", "http-idle-timeout",
               "How long an idle keep-alive connection stays open.", "a duration like 75s (>= 100ms)", false,
               [](config& c, const std::string& v) {
                 return set_duration(c.http.idle_timeout, v, std::chrono::milliseconds(100));
               },
               [](const config& c) { return format_duration(c.http.idle_timeout); }});
  s.push_back({"http.body_timeout", "BROKLE_HTTP_BODY_TIMEOUT", "http-body-timeout",
               "Time allowed to receive a whole request body (408 after).", "a duration like 60s (>= 100ms)", false,
               [](config& c, const std::string& v) {
                 return set_duration(c.http.body_timeout, v, std::chrono::milliseconds(100));
               },
               [](const config& c) { return format_duration(c.http.body_timeout); }});
  s.push_back({"http.write_timeout", "BROKLE_HTTP_WRITE_TIMEOUT", "http-write-timeout",
               "Time allowed for writing one response (the connection is closed after).",
               "a duration like 60s (>= 100ms)", false,
               [](config& c, const std::string& v) {
                 return set_duration(c.http.write_timeout, v, std::chrono::milliseconds(100));
               },
               [](const config& c) { return format_duration(c.http.write_timeout); }});
  s.push_back({"http.cors_origins", "BROKLE_CORS_ORIGINS", "cors-origins",
               "Browser origins allowed by CORS, comma separated, or * (empty: CORS off).",
               "a comma-separated list of origins", false,
               [](config& c, const std::string& v) {
                 c.http.cors_origins = split_list(v);
                 for (const auto& o : c.http.cors_origins)
                   if (o != "*" && o.find("://") == std::string::npos) return false;
                 return true;
               },
               [](const config& c) { return join_list(c.http.cors_origins); }});
  s.push_back({"http.access_log", "BROKLE_ACCESS_LOG", "access-log", "Log one line per HTTP request.",
               "true or false", false, [](config& c, const std::string& v) { return set_bool(c.http.access_log, v); },
               [](const config& c) { return std::string(c.http.access_log ? "true" : "false"); }});
  s.push_back({"otlp.grpc_port", "BROKLE_OTLP_GRPC_PORT", "otlp-grpc-port", "OTLP/gRPC port.", "an integer 0-65535",
               false, [](config& c, const std::string& v) { return set_port(c.otlp_grpc_port, v); },
               [](const config& c) { return std::to_string(c.otlp_grpc_port); }});
  s.push_back({"otlp.http_port", "BROKLE_OTLP_HTTP_PORT", "otlp-http-port", "OTLP/HTTP port.", "an integer 0-65535",
               false, [](config& c, const std::string& v) { return set_port(c.otlp_http_port, v); },
               [](const config& c) { return std::to_string(c.otlp_http_port); }});
  s.push_back({"otlp.enabled", "BROKLE_OTLP_ENABLED", "otlp-enabled",
               "Open the OTLP/gRPC and OTLP/HTTP listeners (the main HTTP port takes OTLP/HTTP either way).",
               "true or false", false, [](config& c, const std::string& v) { return set_bool(c.otlp_enabled, v); },
               [](const config& c) { return std::string(c.otlp_enabled ? "true" : "false"); }});
  s.push_back({"otlp.default_project", "BROKLE_OTLP_DEFAULT_PROJECT", "otlp-default-project",
               "Project id that OTLP requests without an API key are stored in (for private networks only); empty "
               "= an API key is required.",
               "a project id (ULID) or empty", false,
               [](config& c, const std::string& v) {
                 if (!v.empty() && v.size() != 26) return false;
                 c.otlp_default_project = v;
                 return true;
               },
               [](const config& c) { return c.otlp_default_project; }});
  s.push_back({"otlp.max_decompressed", "BROKLE_OTLP_MAX_DECOMPRESSED", "otlp-max-decompressed",
               "Largest OTLP request after decompression; larger ones get 413 / RESOURCE_EXHAUSTED.",
               "a size like 64MiB (1KiB-1GiB)", false,
               [](config& c, const std::string& v) { return set_size(c.otlp_max_decompressed, v, 1024, 1024 * kMiB); },
               [](const config& c) { return format_size(c.otlp_max_decompressed); }});
  s.push_back({"telemetry.queue_rows", "BROKLE_TELEMETRY_QUEUE_ROWS", "telemetry-queue-rows",
               "Telemetry rows waiting for the writer; past it ingestion answers 503 / UNAVAILABLE with Retry-After.",
               "an integer 1000-100000000", false,
               [](config& c, const std::string& v) { return set_count(c.telemetry_queue_rows, v, 1000, 100000000); },
               [](const config& c) { return std::to_string(c.telemetry_queue_rows); }});
  s.push_back({"telemetry.batch_rows", "BROKLE_TELEMETRY_BATCH_ROWS", "telemetry-batch-rows",
               "Most rows written in one store transaction.", "an integer 1-1000000", false,
               [](config& c, const std::string& v) { return set_count(c.telemetry_batch_rows, v, 1, 1000000); },
               [](const config& c) { return std::to_string(c.telemetry_batch_rows); }});
  s.push_back({"telemetry.flush_interval", "BROKLE_TELEMETRY_FLUSH_INTERVAL", "telemetry-flush-interval",
               "Longest the writer waits for a batch to fill before writing it; not waited while the writer is saturated"
               " (its last write took longer).", "a duration like 5ms (>= 0ms)", false,
               [](config& c, const std::string& v) {
                 return set_duration(c.telemetry_flush_interval, v, std::chrono::milliseconds(0));
               },
               [](const config& c) { return format_duration(c.telemetry_flush_interval); }});
  s.push_back({"telemetry.dlq_max_bytes", "BROKLE_TELEMETRY_DLQ_MAX_BYTES", "telemetry-dlq-max-bytes",
               "Disk the dead-letter queue (data/dlq) may use; past it failed batches are not acknowledged.",
               "a size like 1GiB (1MiB-1TiB)", false,
               [](config& c, const std::string& v) {
                 return set_size(c.telemetry_dlq_max_bytes, v, kMiB, 1024ull * 1024 * kMiB);
               },
               [](const config& c) { return format_size(c.telemetry_dlq_max_bytes); }});
  s.push_back({"telemetry.dlq_replay_interval", "BROKLE_TELEMETRY_DLQ_REPLAY_INTERVAL", "telemetry-dlq-replay-interval",
               "How often the dead-letter queue is replayed into the store (also at start-up).",
               "a duration like 5m (>= 100ms)", false,
               [](config& c, const std::string& v) {
                 return set_duration(c.telemetry_dlq_replay_interval, v, std::chrono::milliseconds(100));
               },
               [](const config& c) { return format_duration(c.telemetry_dlq_replay_interval); }});
  s.push_back({"telemetry.retention_days", "BROKLE_TELEMETRY_RETENTION_DAYS", "telemetry-retention-days",
               "Days telemetry (and gateway call records) are kept; older rows are purged in the background. 0 "
               "keeps everything.",
               "an integer 0-36500", false,
               [](config& c, const std::string& v) {
                 auto n = parse_int(v);
                 if (!n || *n < 0 || *n > 36500) return false;
                 c.telemetry_retention_days = static_cast<int>(*n);
                 return true;
               },
               [](const config& c) { return std::to_string(c.telemetry_retention_days); }});
  s.push_back({"telemetry.purge_interval", "BROKLE_TELEMETRY_PURGE_INTERVAL", "telemetry-purge-interval",
               "How often the retention purge runs.", "a duration like 1h (>= 1s)", false,
               [](config& c, const std::string& v) {
                 return set_duration(c.telemetry_purge_interval, v, std::chrono::milliseconds(1000));
               },
               [](const config& c) { return format_duration(c.telemetry_purge_interval); }});
  s.push_back({"telemetry.store_busy_timeout", "BROKLE_TELEMETRY_STORE_BUSY_TIMEOUT", "telemetry-store-busy-timeout",
               "How long a telemetry write waits for a store lock held elsewhere before the batch goes to the "
               "dead-letter queue.",
               "a duration like 5s (>= 10ms)", false,
               [](config& c, const std::string& v) {
                 return set_duration(c.telemetry_store_busy_timeout, v, std::chrono::milliseconds(10));
               },
               [](const config& c) { return format_duration(c.telemetry_store_busy_timeout); }});
  s.push_back({"gateway.record_traces", "BROKLE_GATEWAY_RECORD_TRACES", "gateway-record-traces",
               "Also store every gateway call as an LLM trace with a generation observation (the call log in "
               "/api/v1/projects/{id}/generations is kept either way).",
               "true or false", false,
               [](config& c, const std::string& v) { return set_bool(c.gateway_record_traces, v); },
               [](const config& c) { return std::string(c.gateway_record_traces ? "true" : "false"); }});
  s.push_back({"gateway.upstream_connect_timeout", "BROKLE_GATEWAY_UPSTREAM_CONNECT_TIMEOUT",
               "gateway-upstream-connect-timeout",
               "Time allowed to open a connection to a provider (TCP and TLS); past it the call fails with 504.",
               "a duration like 10s (>= 100ms)", false,
               [](config& c, const std::string& v) {
                 return set_duration(c.gateway_upstream.connect_timeout, v, std::chrono::milliseconds(100));
               },
               [](const config& c) { return format_duration(c.gateway_upstream.connect_timeout); }});
  s.push_back({"gateway.upstream_first_byte_timeout", "BROKLE_GATEWAY_UPSTREAM_FIRST_BYTE_TIMEOUT",
               "gateway-upstream-first-byte-timeout",
               "Time a provider has from the request sent to the head of its answer (a whole non-streamed answer "
               "must arrive in it); past it the call fails with 504 upstream_timeout.",
               "a duration like 120s (>= 100ms)", false,
               [](config& c, const std::string& v) {
                 return set_duration(c.gateway_upstream.first_byte_timeout, v, std::chrono::milliseconds(100));
               },
               [](const config& c) { return format_duration(c.gateway_upstream.first_byte_timeout); }});
  s.push_back({"gateway.upstream_idle_timeout", "BROKLE_GATEWAY_UPSTREAM_IDLE_TIMEOUT", "gateway-upstream-idle-timeout",
               "Longest silence allowed between a streaming provider's chunks; past it the client's stream ends "
               "with an error event.",
               "a duration like 60s (>= 100ms)", false,
               [](config& c, const std::string& v) {
                 return set_duration(c.gateway_upstream.idle_timeout, v, std::chrono::milliseconds(100));
               },
               [](const config& c) { return format_duration(c.gateway_upstream.idle_timeout); }});
  s.push_back({"telemetry.min_log_severity", "BROKLE_TELEMETRY_MIN_LOG_SEVERITY", "telemetry-min-log-severity",
               "Log records below this severity are dropped at ingest (OTLP severity numbers: 1 trace, 5 debug, 9 "
               "info, 13 warn, 17 error, 21 fatal).",
               "trace, debug, info, warn, error, fatal, or a number 0-24", false,
               [](config& c, const std::string& v) {
                 static const std::pair<const char*, int> names[] = {{"trace", 1}, {"debug", 5}, {"info", 9},
                                                                     {"warn", 13}, {"error", 17}, {"fatal", 21}};
                 for (auto [n, sev] : names)
                   if (v == n) {
                     c.telemetry_min_log_severity = sev;
                     return true;
                   }
                 auto n = parse_int(v);
                 if (!n || *n < 0 || *n > 24) return false;
                 c.telemetry_min_log_severity = static_cast<int>(*n);
                 return true;
               },
               [](const config& c) { return std::to_string(c.telemetry_min_log_severity); }});
  s.push_back({"telemetry.allowed_services", "BROKLE_TELEMETRY_ALLOWED_SERVICES", "telemetry-allowed-services",
               "Only these services' spans and logs are kept (comma-separated; empty = all).",
               "a comma-separated list of service names", false,
               [](config& c, const std::string& v) {
                 c.telemetry_allowed_services = split_list(v);
                 return true;
               },
               [](const config& c) { return join_list(c.telemetry_allowed_services); }});
  s.push_back({"telemetry.excluded_services", "BROKLE_TELEMETRY_EXCLUDED_SERVICES", "telemetry-excluded-services",
               "These services' spans and logs are dropped at ingest (comma-separated).",
               "a comma-separated list of service names", false,
               [](config& c, const std::string& v) {
                 c.telemetry_excluded_services = split_list(v);
                 return true;
               },
               [](const config& c) { return join_list(c.telemetry_excluded_services); }});
  s.push_back({"data_dir", "BROKLE_DATA_DIR", "data-dir", "Directory of the embedded store and local state.",
               "a directory path", false,
               [](config& c, const std::string& v) {
                 if (v.empty()) return false;
                 c.data_dir = v;
                 return true;
               },
               [](const config& c) { return c.data_dir.string(); }});
  s.push_back({"log.level", "LOG_LEVEL", "log-level", "Least severe log level written.",
               "trace, debug, info, warn, error or off", false,
               [](config& c, const std::string& v) { return log::parse_level(v, c.log_level); },
               [](const config& c) {
                 static const char* names[] = {"trace", "debug", "info", "warn", "error", "off"};
                 return std::string(names[static_cast<int>(c.log_level)]);
               }});
  s.push_back({"log.format", "LOG_FORMAT", "log-format", "Log line format.", "text or json", false,
               [](config& c, const std::string& v) { return log::parse_format(v, c.log_format); },
               [](const config& c) { return std::string(c.log_format == log::format::json ? "json" : "text"); }});
  s.push_back({"storage.auto_migrate", "BROKLE_AUTO_MIGRATE", "auto-migrate",
               "Apply pending schema migrations when `serve` starts.", "true or false", false,
               [](config& c, const std::string& v) { return set_bool(c.auto_migrate, v); },
               [](const config& c) { return std::string(c.auto_migrate ? "true" : "false"); }});
  s.push_back({"storage.sqlite_readers", "BROKLE_SQLITE_READERS", "sqlite-readers",
               "SQLite reader connections (beside the one writer).", "an integer 1-64", false,
               [](config& c, const std::string& v) { return set_count(c.sqlite_readers, v, 1, 64); },
               [](const config& c) { return std::to_string(c.sqlite_readers); }});
  s.push_back({"workers.blocking_threads", "BROKLE_BLOCKING_THREADS", "blocking-threads",
               "Threads for blocking work (database calls, password hashing).", "an integer 1-256", false,
               [](config& c, const std::string& v) { return set_count(c.blocking_threads, v, 1, 256); },
               [](const config& c) { return std::to_string(c.blocking_threads); }});
  s.push_back({"workers.blocking_queue", "BROKLE_BLOCKING_QUEUE", "blocking-queue",
               "Blocking jobs allowed to wait; past it requests get 503.", "an integer 1-1000000", false,
               [](config& c, const std::string& v) { return set_count(c.blocking_queue, v, 1, 1000000); },
               [](const config& c) { return std::to_string(c.blocking_queue); }});
  s.push_back({"shutdown.timeout", "BROKLE_SHUTDOWN_TIMEOUT", "shutdown-timeout",
               "How long a graceful shutdown waits for in-flight requests.", "a duration like 15s (>= 0s)", false,
               [](config& c, const std::string& v) {
                 return set_duration(c.shutdown_timeout, v, std::chrono::milliseconds(0));
               },
               [](const config& c) { return format_duration(c.shutdown_timeout); }});
  s.push_back({"security.master_key", "BROKLE_MASTER_KEY", "master-key",
               "Key that encrypts secrets at rest (64 hex chars or base64 of 32 bytes). Empty: a 0600 key file "
               "in the data dir, created on first run.",
               "64 hex characters or base64 of 32 bytes", true,
               [](config& c, const std::string& v) {
                 c.master_key = v;
                 return true;
               },
               [](const config& c) { return c.master_key; }});
  s.push_back({"security.argon2_ops", "BROKLE_ARGON2_OPS", "argon2-ops",
               "Argon2id passes per password hash (higher is slower to attack and to log in).", "an integer 1-10",
               false,
               [](config& c, const std::string& v) {
                 size_t n = 0;
                 if (!set_count(n, v, 1, 10)) return false;
                 c.argon2_ops = n;
                 return true;
               },
               [](const config& c) { return std::to_string(c.argon2_ops); }});
  s.push_back({"security.argon2_memory", "BROKLE_ARGON2_MEMORY", "argon2-memory",
               "Argon2id memory per password hash.", "a size like 19MiB (8KiB-1GiB)", false,
               [](config& c, const std::string& v) { return set_size(c.argon2_memory, v, 8 * 1024, 1024 * kMiB); },
               [](const config& c) { return format_size(c.argon2_memory); }});
  s.push_back({"security.access_token_ttl", "BROKLE_ACCESS_TOKEN_TTL", "access-token-ttl",
               "Lifetime of dashboard access tokens (JWT).", "a duration like 15m (30s-24h)", false,
               [](config& c, const std::string& v) {
                 if (!set_duration(c.access_token_ttl, v, std::chrono::milliseconds(30000))) return false;
                 return c.access_token_ttl <= std::chrono::hours(24);
               },
               [](const config& c) { return format_duration(c.access_token_ttl); }});
  s.push_back({"security.refresh_token_ttl", "BROKLE_REFRESH_TOKEN_TTL", "refresh-token-ttl",
               "Lifetime of a dashboard session (refresh token), renewed on each refresh.",
               "a duration like 30d (1m-365d)", false,
               [](config& c, const std::string& v) {
                 if (!set_duration(c.refresh_token_ttl, v, std::chrono::milliseconds(60000))) return false;
                 return c.refresh_token_ttl <= std::chrono::hours(24 * 365);
               },
               [](const config& c) { return format_duration(c.refresh_token_ttl); }});
  return s;
}

std::optional<std::string> real_getenv(const char* name) {
  const char* v = std::getenv(name);
  if (!v) return std::nullopt;
  return std::string(v);
}

// Flattens a TOML document to dotted keys; arrays of scalars become comma lists. Arrays of
// tables ([[provider]] and friends) belong to the modules that read them and are skipped here.
void flatten(const toml::table& t, const std::string& prefix, std::map<std::string, std::string>& out) {
  for (const auto& [k, node] : t) {
    std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table()) {
      flatten(*sub, key, out);
    } else if (const auto* arr = node.as_array()) {
      if (!arr->empty() && arr->front().is_table()) continue;
      std::string joined;
      for (const auto& el : *arr) {
        if (!joined.empty()) joined += ',';
        if (auto sv = el.value<std::string>()) joined += *sv;
        else if (auto iv = el.value<int64_t>()) joined += std::to_string(*iv);
      }
      out[key] = joined;
    } else if (node.is_string()) {
      out[key] = *node.value<std::string>();
    } else if (node.is_boolean()) {
      out[key] = *node.value<bool>() ? "true" : "false";
    } else if (node.is_integer()) {
      out[key] = std::to_string(*node.value<int64_t>());
    } else if (node.is_floating_point()) {
      out[key] = std::to_string(*node.value<double>());
    }
  }
}

}  // namespace

const std::vector<setting>& settings() {
  static const std::vector<setting> all = make_settings();
  return all;
}

result<resolved_config> load_config(const config_inputs& in) {
  auto getenv_fn = in.getenv ? in.getenv : real_getenv;
  // Layer values by setting key, remembering where each came from.
  std::map<std::string, std::pair<std::string, setting_source>> layered;

  // .env is read first because it may name the config file.
  std::map<std::string, std::string> dotenv;
  if (std::ifstream f(in.dotenv_path); f) {
    std::stringstream ss;
    ss << f.rdbuf();
    auto parsed = parse_dotenv(ss.str());
    if (!parsed) return make_error(errc::invalid_argument, in.dotenv_path + ": " + parsed.err().message);
    for (auto& [k, v] : *parsed) dotenv[k] = v;
  }

  std::string file = in.config_file.value_or("");
  if (file.empty()) {
    if (auto e = getenv_fn("BROKLE_CONFIG")) file = *e;
    else if (auto it = dotenv.find("BROKLE_CONFIG"); it != dotenv.end()) file = it->second;
  }
  if (!file.empty()) {
    toml::table doc;
    try {
      doc = toml::parse_file(file);
    } catch (const toml::parse_error& e) {
      std::ostringstream msg;
      msg << "config file " << file << ": " << e.description() << " (line " << e.source().begin.line << ")";
      return make_error(errc::invalid_argument, msg.str());
    }
    std::map<std::string, std::string> flat;
    flatten(doc, "", flat);
    for (auto& [k, v] : flat) {
      bool known = false;
      for (const auto& s : settings()) known = known || s.key == k;
      if (!known) return make_error(errc::invalid_argument, "config file " + file + ": unknown setting '" + k + "'");
      layered[k] = {v, setting_source::file};
    }
  }
  for (const auto& s : settings()) {
    if (auto it = dotenv.find(s.env); it != dotenv.end()) layered[s.key] = {it->second, setting_source::dotenv};
    if (auto e = getenv_fn(s.env.c_str())) layered[s.key] = {*e, setting_source::environment};
    if (auto it = in.flags.find(s.key); it != in.flags.end()) layered[s.key] = {it->second, setting_source::flag};
  }

  resolved_config rc;
  rc.values.config_file = file;
  for (const auto& s : settings()) {
    auto it = layered.find(s.key);
    if (it == layered.end()) {
      rc.sources[s.key] = setting_source::defaults;
      continue;
    }
    const auto& [value, source] = it->second;
    if (!s.apply(rc.values, value)) {
      std::string where = source == setting_source::flag          ? "--" + s.flag
                          : source == setting_source::file        ? s.key + " in " + file
                          : source == setting_source::dotenv      ? s.env + " in " + in.dotenv_path
                                                                  : s.env;
      std::string shown = s.secret ? "(redacted)" : "'" + value + "'";
      return make_error(errc::invalid_argument,
                        "invalid " + where + " = " + shown + ": expected " + s.accepted);
    }
    rc.sources[s.key] = source;
  }
  return rc;
}

std::string render_config(const resolved_config& rc) {
  std::string out;
  if (!rc.values.config_file.empty()) out += "# config file: " + rc.values.config_file + "\n";
  for (const auto& s : settings()) {
    std::string v = s.show(rc.values);
    if (s.secret) v = v.empty() ? "" : "<redacted>";
    auto src = rc.sources.count(s.key) ? rc.sources.at(s.key) : setting_source::defaults;
    out += s.key + " = \"" + v + "\"  # " + std::string(source_name(src)) + ", " + s.env + "\n";
  }
  return out;
}

std::string render_settings_markdown() {
  config defaults;
  std::string out = "| TOML key | environment | flag | default | accepted | meaning |\n|---|---|---|---|---|---|\n";
  for (const auto& s : settings()) {
    std::string d = s.show(defaults);
    out += "| `" + s.key + "` | `" + s.env + "` | `--" + s.flag + "` | " + (d.empty() ? "" : "`" + d + "`") + " | " +
           s.accepted + " | " + s.help + " |\n";
  }
  return out;
}

}  // namespace brokle::app
