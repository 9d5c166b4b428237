// Every store the process uses, opened together for the configured backend. Domain services get
// their store interfaces from here; nothing above storage/ sees a connection.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>

#include "core/result.hpp"
#include "storage/audit_store.hpp"
#include "storage/generation_store.hpp"
#include "storage/migration_runner.hpp"
#include "storage/organization_store.hpp"
#include "storage/project_provider_store.hpp"
#include "storage/project_store.hpp"
#include "storage/session_store.hpp"
#include "storage/store_health.hpp"
#include "storage/telemetry_query_store.hpp"
#include "storage/telemetry_retention.hpp"
#include "storage/telemetry_writer.hpp"
#include "storage/user_store.hpp"

namespace brokle::storage {

struct store_set {
  std::shared_ptr<void> keep_alive;  // the backend's shared connection state; destroyed last
  std::string backend;
  std::string location;  // file path or DSN with secrets removed
  std::unique_ptr<migration_backend> migrations;
  std::unique_ptr<store_health> health;
  std::unique_ptr<user_store> users;
  std::unique_ptr<session_store> sessions;
  std::unique_ptr<organization_store> organizations;
  std::unique_ptr<project_store> projects;
  std::unique_ptr<audit_store> audit;
  std::unique_ptr<generation_store> generations;
  std::unique_ptr<project_provider_store> project_providers;
  // The telemetry pipeline's writer thread calls this once and owns the result: the writer gets a
  // connection of its own (SQLite) so its batches never queue behind control-plane writes.
  // The writer prices generations (see sqlite_telemetry_writer::open) with `price`, when given.
  std::function<result<std::unique_ptr<telemetry_writer>>(generation_pricer price)> open_telemetry_writer;
  std::unique_ptr<telemetry_query_store> telemetry_queries;
  std::unique_ptr<telemetry_retention> retention;  // telemetry purge and vacuum (admin API)

  ~store_set();
  store_set() = default;
  store_set(store_set&&) noexcept = default;
  store_set& operator=(store_set&&) noexcept = default;
};

struct sqlite_options {
  std::filesystem::path data_dir;
  size_t readers = 4;
  // How long the telemetry writer waits for a lock held by another connection or process before
  // its write fails (and the batch goes to the dead-letter queue).
  int telemetry_busy_timeout_ms = 5000;
};

// Opens (creating the directory and file if needed) the embedded store at data_dir/brokle.db.
result<store_set> open_sqlite_stores(const sqlite_options& opts);

}  // namespace brokle::storage
