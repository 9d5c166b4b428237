// telemetry_query_store on SQLite, reading through the shared database's reader connections.
// Lists come from trace_summaries, logs and the LLM tables; every chart and aggregate comes from
// the per-minute rollups, so their cost grows with the minutes and services in the range, not with
// the rows. The implementation is split by concept: traces and LLM records, logs, metrics.
#pragma once

#include <memory>

#include "storage/sqlite/sqlite_database.hpp"
#include "storage/telemetry_query_store.hpp"

namespace brokle::storage::sqlite {

class sqlite_telemetry_query_store final : public telemetry_query_store {
 public:
  explicit sqlite_telemetry_query_store(std::shared_ptr<database> db) : db_(std::move(db)) {}

  result<page<trace_summary>> list_traces(const project_scope& s, const trace_query& q) override;
  result<trace_detail> get_trace(const project_scope& s, const std::string& trace_id) override;

  result<page<log_record>> search_logs(const project_scope& s, const log_query& q) override;
  result<std::vector<log_record>> log_context(const project_scope& s, const std::string& log_id,
                                              int per_side) override;

  result<std::vector<service_stats>> list_services(const project_scope& s, const metrics_query& q) override;
  result<dashboard_stats> dashboard(const project_scope& s, const metrics_query& q) override;
  result<std::vector<traffic_point>> traffic(const project_scope& s, const metrics_query& q) override;
  result<std::vector<heatmap_cell>> latency_heatmap(const project_scope& s, const metrics_query& q) override;
  result<service_map> get_service_map(const project_scope& s, const metrics_query& q) override;

  result<std::vector<llm_group_stats>> llm_breakdown(const project_scope& s, const llm_query& q,
                                                     llm_dimension group_by) override;
  result<std::vector<llm_series_point>> llm_series(const project_scope& s, const llm_query& q) override;

  result<page<trace_record>> list_llm_traces(const project_scope& s, const llm_trace_query& q) override;
  result<page<observation_record>> list_observations(const project_scope& s, const observation_query& q) override;
  result<page<score_record>> list_scores(const project_scope& s, const score_query& q) override;

 private:
  std::shared_ptr<database> db_;
};

}  // namespace brokle::storage::sqlite
