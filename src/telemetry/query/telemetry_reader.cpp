#include "telemetry/query/telemetry_reader.hpp"

namespace brokle::telemetry {

namespace {
constexpr int64_t ms_per_day = 86'400'000;
}

result<storage::purge_counts> telemetry_reader::purge_project(std::string_view user_id, std::string_view project_id,
                                                              int days, int64_t now_ms) {
  auto scope = policy_.authorize_project(user_id, project_id, identity::permission::telemetry_manage);
  if (!scope) return scope.err();
  return retention_.purge_project_older_than(*scope, now_ms - static_cast<int64_t>(days) * ms_per_day);
}

result<storage::purge_counts> telemetry_reader::purge_all(std::string_view user_id, int days, int64_t now_ms) {
  if (auto s = policy_.require_instance_admin(user_id); !s) return s.err();
  return retention_.purge_all_older_than(now_ms - static_cast<int64_t>(days) * ms_per_day, now_ms);
}

status telemetry_reader::vacuum(std::string_view user_id) {
  if (auto s = policy_.require_instance_admin(user_id); !s) return s;
  return retention_.vacuum();
}

}  // namespace brokle::telemetry
