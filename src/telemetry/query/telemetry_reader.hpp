// The dashboard's way to stored telemetry: every read checks that the user may read the
// project's telemetry (telemetry.read) and hands the store a project scope, so no query can run
// unscoped; purges check telemetry.manage (one project) or instance administration (all).
#pragma once

#include <string_view>

#include "core/result.hpp"
#include "identity/access_policy.hpp"
#include "storage/telemetry_query_store.hpp"
#include "storage/telemetry_retention.hpp"

namespace brokle::telemetry {

class telemetry_reader {
 public:
  telemetry_reader(identity::access_policy& policy, storage::telemetry_query_store& store,
                   storage::telemetry_retention& retention)
      : policy_(policy), store_(store), retention_(retention) {}

  // Runs fn(store, scope) when the user may read the project's telemetry.
  template <class F>
  auto read(std::string_view user_id, std::string_view project_id, F&& fn)
      -> decltype(fn(std::declval<storage::telemetry_query_store&>(), std::declval<const project_scope&>())) {
    auto scope = policy_.authorize_project(user_id, project_id, identity::permission::telemetry_read);
    if (!scope) return scope.err();
    return fn(store_, *scope);
  }

  // One project's telemetry older than `days` (0 = everything).
  result<storage::purge_counts> purge_project(std::string_view user_id, std::string_view project_id, int days,
                                              int64_t now_ms);
  // Every project's (instance administrators only).
  result<storage::purge_counts> purge_all(std::string_view user_id, int days, int64_t now_ms);
  status vacuum(std::string_view user_id);

 private:
  identity::access_policy& policy_;
  storage::telemetry_query_store& store_;
  storage::telemetry_retention& retention_;
};

}  // namespace brokle::telemetry
