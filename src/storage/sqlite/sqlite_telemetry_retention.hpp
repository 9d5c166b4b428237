// telemetry_retention on SQLite. Each chunk of at most purge_chunk_rows rows is its own
// transaction on the shared writer connection, so the telemetry writer (its own connection) and
// control-plane writes get the lock between chunks.
#pragma once

#include <functional>
#include <memory>

#include "storage/sqlite/sqlite_database.hpp"
#include "storage/telemetry_retention.hpp"

namespace brokle::storage::sqlite {

class sqlite_telemetry_retention final : public telemetry_retention {
 public:
  explicit sqlite_telemetry_retention(std::shared_ptr<database> db) : db_(std::move(db)) {}

  result<purge_counts> purge_project_older_than(const project_scope& s, int64_t cutoff_ms) override;
  result<purge_counts> purge_all_older_than(int64_t cutoff_ms, int64_t now_ms) override;
  result<purge_counts> purge_by_retention(int default_days, int64_t now_ms) override;
  status vacuum() override;
  status delete_trace(const project_scope& s, const std::string& trace_id) override;  // trace_delete.cpp

 private:
  result<purge_counts> purge_all(const std::function<int64_t(const std::string&)>& cutoff_of, int64_t now_ms);
  status purge_project(const std::string& project_id, int64_t cutoff_ms, purge_counts& counts);
  std::shared_ptr<database> db_;
};

}  // namespace brokle::storage::sqlite
