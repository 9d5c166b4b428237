#include <system_error>

#include "storage/sqlite/sqlite_audit_store.hpp"
#include "storage/sqlite/sqlite_database.hpp"
#include "storage/sqlite/sqlite_generation_store.hpp"
#include "storage/sqlite/sqlite_project_provider_store.hpp"
#include "storage/sqlite/sqlite_migrations.hpp"
#include "storage/sqlite/sqlite_organization_store.hpp"
#include "storage/sqlite/sqlite_project_store.hpp"
#include "storage/sqlite/sqlite_session_store.hpp"
#include "storage/sqlite/sqlite_store_health.hpp"
#include "storage/sqlite/sqlite_telemetry_query_store.hpp"
#include "storage/sqlite/sqlite_telemetry_retention.hpp"
#include "storage/sqlite/sqlite_telemetry_writer.hpp"
#include "storage/sqlite/sqlite_user_store.hpp"
#include "storage/store_set.hpp"

namespace brokle::storage {

store_set::~store_set() = default;

result<store_set> open_sqlite_stores(const sqlite_options& opts) {
  std::error_code ec;
  std::filesystem::create_directories(opts.data_dir, ec);
  if (ec) return make_error(errc::unavailable, "cannot create data dir " + opts.data_dir.string() + ": " + ec.message());
  auto file = opts.data_dir / "brokle.db";
  auto db = sqlite::database::open(file, opts.readers);
  if (!db) return db.err();
  std::shared_ptr<sqlite::database> shared(std::move(*db));
  store_set set;
  set.backend = "sqlite";
  set.location = file.string();
  set.migrations = std::make_unique<sqlite::sqlite_migrations>(*shared);
  // The schema_migrations table exists before anyone probes health.
  if (auto rows = set.migrations->applied(); !rows) return rows.err();
  set.health = std::make_unique<sqlite::sqlite_store_health>(shared);
  set.users = std::make_unique<sqlite::sqlite_user_store>(shared);
  set.sessions = std::make_unique<sqlite::sqlite_session_store>(shared);
  set.organizations = std::make_unique<sqlite::sqlite_organization_store>(shared);
  set.projects = std::make_unique<sqlite::sqlite_project_store>(shared);
  set.audit = std::make_unique<sqlite::sqlite_audit_store>(shared);
  set.generations = std::make_unique<sqlite::sqlite_generation_store>(shared);
  set.project_providers = std::make_unique<sqlite::sqlite_project_provider_store>(shared);
  set.open_telemetry_writer = [file, busy = opts.telemetry_busy_timeout_ms](
                                  generation_pricer price) -> result<std::unique_ptr<telemetry_writer>> {
    auto w = sqlite::sqlite_telemetry_writer::open(file, std::move(price), busy);
    if (!w) return w.err();
    return std::unique_ptr<telemetry_writer>(std::move(*w));
  };
  set.telemetry_queries = std::make_unique<sqlite::sqlite_telemetry_query_store>(shared);
  set.retention = std::make_unique<sqlite::sqlite_telemetry_retention>(shared);
  set.keep_alive = shared;
  return set;
}

}  // namespace brokle::storage
