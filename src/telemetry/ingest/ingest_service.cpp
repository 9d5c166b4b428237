#include "telemetry/ingest/ingest_service.hpp"

#include <algorithm>

namespace brokle::telemetry {

ingest_service::ingest_service(ingest_pipeline& pipeline, ingest_filters filters, pricer price,
                               generation_deriver derive)
    : pipeline_(pipeline), filters_(std::move(filters)), price_(std::move(price)), derive_(std::move(derive)) {}

bool ingest_service::service_allowed(const std::string& service) const {
  if (filters_.excluded_services.count(service)) return false;
  return filters_.allowed_services.empty() || filters_.allowed_services.count(service) > 0;
}

result<ingest_counts> ingest_service::submit(const project_scope& scope, storage::telemetry_batch b,
                                             ingest_pipeline::ack_fn on_durable) {
  ingest_counts counts;
  size_t before = b.size();
  std::erase_if(b.spans, [&](const storage::span_record& s) { return !service_allowed(s.service_name); });
  std::erase_if(b.logs, [&](const storage::log_record& l) {
    return !service_allowed(l.service_name) ||
           (filters_.min_log_severity > 0 && l.severity_number > 0 && l.severity_number < filters_.min_log_severity);
  });
  counts.filtered = before - b.size();

  const auto& project = scope.project_id();
  if (derive_) {
    for (const auto& s : b.spans)
      if (auto g = derive_(s)) b.observations.push_back(std::move(*g));
  }
  for (auto& s : b.spans) s.project_id = project;
  for (auto& l : b.logs) l.project_id = project;
  for (auto& t : b.traces) t.project_id = project;
  for (auto& o : b.observations) {
    o.project_id = project;
    if (o.cost_usd == 0 && price_ && !o.model.empty() && (o.input_tokens > 0 || o.output_tokens > 0))
      o.cost_usd = price_(o);
  }
  for (auto& s : b.scores) s.project_id = project;
  for (auto& e : b.events) e.project_id = project;

  counts.accepted = b.size();
  if (b.empty()) {
    if (on_durable) on_durable(ok_v);
    return counts;
  }
  if (auto s = pipeline_.submit(std::move(b), std::move(on_durable)); !s) return s.err();
  return counts;
}

}  // namespace brokle::telemetry
