// The one door into the telemetry pipeline for every surface: stamps the project on each record,
// applies the ingestion filters (minimum log severity, allowed / excluded services), derives LLM
// generation observations from spans that carry OpenTelemetry GenAI attributes, gives log records
// a content-derived id, and submits the batch (the writer prices generations on the merged row). Surfaces acknowledge their
// client only when `on_durable` reports success (see ingest_pipeline.hpp for what that means).
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>

#include "core/result.hpp"
#include "core/tenant_scope.hpp"
#include "telemetry/pipeline/ingest_pipeline.hpp"

namespace brokle::telemetry {

struct ingest_filters {
  int min_log_severity = 0;               // log records below this severity number are dropped
  std::set<std::string> allowed_services;  // empty: every service
  std::set<std::string> excluded_services;
};

struct ingest_counts {
  size_t accepted = 0;  // rows submitted
  size_t filtered = 0;  // rows dropped by the filters (not an error)
};

// A log record's identity when its producer gave none: a hash of its content (see writer dedupe).
std::string log_identity(const storage::log_record& l);

class ingest_service {
 public:
  // Turns a span into an LLM generation when it carries GenAI attributes.
  using generation_deriver = std::function<std::optional<storage::observation_record>(const storage::span_record&)>;

  ingest_service(ingest_pipeline& pipeline, ingest_filters filters, generation_deriver derive);

  // Submits the batch for `scope`. An error means nothing was queued (full, stopped: errc::unavailable
  // with a retry hint). A batch the filters empty completely is acknowledged at once.
  result<ingest_counts> submit(const project_scope& scope, storage::telemetry_batch batch,
                               ingest_pipeline::ack_fn on_durable);

  const ingest_filters& filters() const noexcept { return filters_; }

 private:
  bool service_allowed(const std::string& service) const;

  ingest_pipeline& pipeline_;
  ingest_filters filters_;
  generation_deriver derive_;
};

}  // namespace brokle::telemetry
