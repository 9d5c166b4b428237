#include "app/telemetry_module.hpp"

#include "core/background_thread.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "telemetry/genai/genai_span.hpp"

namespace brokle::app {

retention_job::retention_job(storage::telemetry_retention& retention, int days, std::chrono::milliseconds every)
    : retention_(retention), days_(days), every_(every) {}

retention_job::~retention_job() { stop(); }

void retention_job::start() {
  // Runs even when the default keeps everything: projects may set their own retention, and expired
  // sessions and old key tombstones are purged by the same pass.
  thread_ = std::thread([this] { loop(); });
}

void retention_job::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void retention_job::loop() {
  mark_background_thread("brokle-retention");
  std::unique_lock lock(mu_);
  // First run shortly after start-up, then every interval.
  auto next = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!cv_.wait_until(lock, next, [&] { return stopping_; })) {
    lock.unlock();
    auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    auto r = retention_.purge_by_retention(days_, now_ms);
    if (!r) {
      log::warn("retention purge failed", {{"error", r.err().message}});
    } else if (r->spans + r->logs + r->observations + r->generations + r->sessions > 0) {
      log::info("retention purge", {{"days", std::to_string(days_)},
                                    {"spans", std::to_string(r->spans)},
                                    {"logs", std::to_string(r->logs)},
                                    {"observations", std::to_string(r->observations)},
                                    {"generations", std::to_string(r->generations)},
                                    {"sessions", std::to_string(r->sessions)}});
    }
    lock.lock();
    next = std::chrono::steady_clock::now() + every_;
  }
}

void telemetry_module::stop() {
  if (retention) retention->stop();
  if (pipeline) pipeline->stop();
}

result<std::unique_ptr<telemetry_module>> start_telemetry_module(const config& cfg, storage::store_set& stores,
                                                                 const gateway::price_table& prices,
                                                                 metrics::registry& registry) {
  auto m = std::make_unique<telemetry_module>();
  auto price = [&prices](const storage::observation_record& o) {
    return prices.cost(o.model, gateway::token_usage{o.input_tokens, o.output_tokens, o.cached_input_tokens,
                                                     o.cache_write_input_tokens, o.reasoning_tokens});
  };
  auto writer = stores.open_telemetry_writer(price);
  if (!writer) return writer.err();
  m->writer = std::move(*writer);

  telemetry::pipeline_options opts;
  opts.max_queued_rows = cfg.telemetry_queue_rows;
  opts.batch_rows = cfg.telemetry_batch_rows;
  opts.linger = cfg.telemetry_flush_interval;
  opts.dlq_dir = cfg.data_dir / "dlq";
  opts.dlq_max_bytes = cfg.telemetry_dlq_max_bytes;
  opts.dlq_replay_interval = cfg.telemetry_dlq_replay_interval;
  m->pipeline = std::make_unique<telemetry::ingest_pipeline>(*m->writer, opts);
  m->pipeline->register_metrics(registry);
  for (const auto& g : m->writer->gauges()) {
    std::string name = g.name;
    registry.add_callback(name, g.help, g.counter ? metrics::family_type::counter : metrics::family_type::gauge, {},
                          [w = m->writer.get(), name](auto& out) {
                            for (const auto& now : w->gauges())
                              if (name == now.name) out.push_back({{}, now.value});
                          });
  }
  if (auto s = m->pipeline->start(); !s) return s.err();
  if (m->pipeline->dead_letters().files() > 0)
    log::warn("replaying the telemetry dead-letter queue",
              {{"batches", std::to_string(m->pipeline->dead_letters().files())}});

  telemetry::ingest_filters filters;
  filters.min_log_severity = cfg.telemetry_min_log_severity;
  filters.allowed_services.insert(cfg.telemetry_allowed_services.begin(), cfg.telemetry_allowed_services.end());
  filters.excluded_services.insert(cfg.telemetry_excluded_services.begin(), cfg.telemetry_excluded_services.end());
  auto derive = [](const storage::span_record& s) -> std::optional<storage::observation_record> {
    // Most spans carry no GenAI attributes: a substring check spares them a JSON parse.
    const auto& a = s.attributes_json;
    if (a.find("\"gen_ai.") == std::string::npos && a.find("\"llm.") == std::string::npos) return std::nullopt;
    return telemetry::genai::observation_from_span(s);
  };
  m->ingest = std::make_unique<telemetry::ingest_service>(*m->pipeline, std::move(filters), derive);

  m->retention = std::make_unique<retention_job>(*stores.retention, cfg.telemetry_retention_days,
                                                 cfg.telemetry_purge_interval);
  m->retention->start();
  return m;
}

}  // namespace brokle::app
