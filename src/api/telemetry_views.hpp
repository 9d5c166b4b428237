// JSON shapes of stored telemetry as the query API returns them. Times: nanosecond fields as
// integers plus ISO 8601 text; stored JSON (attributes, inputs, outputs) embedded as JSON.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "storage/telemetry_query_store.hpp"

namespace brokle::api {

boost::json::value embedded_json(const std::string& text);  // null when empty or not JSON
std::string iso_time_ns(int64_t unix_ns);

boost::json::object span_view(const storage::span_record& s);
boost::json::object trace_summary_view(const storage::trace_summary& t);
boost::json::object trace_detail_view(const storage::trace_detail& d);
boost::json::object log_view(const storage::log_record& l);
boost::json::object service_stats_view(const storage::service_stats& s);
boost::json::object dashboard_view(const storage::dashboard_stats& d);
boost::json::object traffic_view(const storage::traffic_point& p);
boost::json::object heatmap_view(const storage::heatmap_cell& c);
boost::json::object service_map_view(const storage::service_map& m);
boost::json::object llm_group_view(const storage::llm_group_stats& g);
boost::json::object llm_series_view(const storage::llm_series_point& p);
boost::json::object llm_trace_view(const storage::trace_record& t);
boost::json::object observation_view(const storage::observation_record& o);
boost::json::object score_view(const storage::score_record& s);

}  // namespace brokle::api
