// The telemetry side of the process: the writer (its own store connection), the ingest pipeline
// with its dead-letter queue in data/dlq, the ingest service every surface submits through, and
// the retention job that purges what is older than telemetry.retention_days.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "app/config.hpp"
#include "core/result.hpp"
#include "gateway/pricing/price_table.hpp"
#include "storage/store_set.hpp"
#include "telemetry/ingest/ingest_service.hpp"
#include "telemetry/pipeline/ingest_pipeline.hpp"

namespace brokle::metrics {
class registry;
}

namespace brokle::app {

class retention_job {
 public:
  retention_job(storage::telemetry_retention& retention, int days, std::chrono::milliseconds every);
  ~retention_job();
  void start();
  void stop();

 private:
  void loop();
  storage::telemetry_retention& retention_;
  int days_;
  std::chrono::milliseconds every_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

struct telemetry_module {
  std::unique_ptr<storage::telemetry_writer> writer;
  std::unique_ptr<telemetry::ingest_pipeline> pipeline;
  std::unique_ptr<telemetry::ingest_service> ingest;
  std::unique_ptr<retention_job> retention;

  // Writes what is queued, then stops the retention job. Idempotent.
  void stop();
  ~telemetry_module() { stop(); }
};

// Opens the writer, starts the pipeline (replaying the dead-letter queue) and the retention job.
result<std::unique_ptr<telemetry_module>> start_telemetry_module(const config& cfg, storage::store_set& stores,
                                                                 const gateway::price_table& prices,
                                                                 metrics::registry& registry);

}  // namespace brokle::app
