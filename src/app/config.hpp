// The process configuration: every setting with its TOML key, environment variable and flag,
// resolved with the precedence flags > environment > .env > TOML file > defaults.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/log.hpp"
#include "core/result.hpp"
#include "net/server_options.hpp"
#include "net/upstream_limits.hpp"

namespace brokle::app {

struct config {
  net::server_options http;
  size_t io_threads = 0;  // 0 = one per core
  size_t busy_poll_us = 30;
  bool otlp_enabled = true;       // the separate OTLP listeners (the main port always takes OTLP/HTTP)
  uint16_t otlp_grpc_port = 4317;
  uint16_t otlp_http_port = 4318;
  std::string otlp_default_project;  // project id for unauthenticated OTLP (private networks); empty = off
  size_t otlp_max_decompressed = 64 * 1024 * 1024;
  size_t telemetry_queue_rows = 200'000;
  size_t telemetry_batch_rows = 5'000;
  std::chrono::milliseconds telemetry_flush_interval{5};
  size_t telemetry_dlq_max_bytes = 1024ull * 1024 * 1024;
  std::chrono::milliseconds telemetry_dlq_replay_interval{5 * 60 * 1000};
  int telemetry_retention_days = 30;  // 0 = keep forever
  std::chrono::milliseconds telemetry_purge_interval{60 * 60 * 1000};
  std::chrono::milliseconds telemetry_store_busy_timeout{5000};
  bool gateway_record_traces = true;  // each gateway call also becomes an LLM trace + generation
  net::upstream_limits gateway_upstream;  // provider connections: timeouts (the rest fixed)
  int telemetry_min_log_severity = 0;
  std::vector<std::string> telemetry_allowed_services;
  std::vector<std::string> telemetry_excluded_services;
  std::filesystem::path data_dir = "./data";
  std::string config_file;
  log::level log_level = log::level::info;
  log::format log_format = log::format::text;
  bool auto_migrate = true;
  size_t sqlite_readers = 4;
  size_t blocking_threads = 4;
  size_t blocking_queue = 1024;
  std::chrono::milliseconds shutdown_timeout{15000};
  std::string master_key;  // secret; empty = key file in the data dir
  uint64_t argon2_ops = 2;
  size_t argon2_memory = 19 * 1024 * 1024;
  std::chrono::milliseconds access_token_ttl{15 * 60 * 1000};
  std::chrono::milliseconds refresh_token_ttl{30LL * 24 * 3600 * 1000};
};

enum class setting_source { defaults, file, dotenv, environment, flag };
std::string_view source_name(setting_source s);

struct setting {
  std::string key;          // TOML dotted key, e.g. "http.port"
  std::string env;          // environment variable, e.g. "BROKLE_HTTP_PORT"
  std::string flag;         // long flag without dashes, e.g. "http-port"
  std::string help;
  std::string accepted;     // what values are accepted, for error messages and docs
  bool secret = false;
  // Applies a textual value; returns false when it is not acceptable.
  bool (*apply)(config&, const std::string&) = nullptr;
  // Current value as text (for `config print`).
  std::string (*show)(const config&) = nullptr;
};

const std::vector<setting>& settings();

struct resolved_config {
  config values;
  std::map<std::string, setting_source> sources;  // by setting key
};

struct config_inputs {
  std::map<std::string, std::string> flags;  // by setting key
  std::optional<std::string> config_file;    // --config
  std::string dotenv_path = ".env";
  // Environment lookup (getenv in production; injectable for tests).
  std::optional<std::string> (*getenv)(const char*) = nullptr;
};

// Resolves everything; the error names the setting, where the bad value came from and what is accepted.
result<resolved_config> load_config(const config_inputs& in);

// "key = value  # source" lines with secrets redacted.
std::string render_config(const resolved_config& rc);
// Markdown table of every setting, for docs/configuration.md.
std::string render_settings_markdown();

}  // namespace brokle::app
