// schema_migrations bookkeeping for SQLite. SQLite DDL is transactional, so each migration and its
// bookkeeping row commit together; the dirty flag is written first, outside the transaction, so a
// crash inside a statement SQLite cannot roll back still leaves a visible mark.
#pragma once

#include "storage/migration_runner.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace brokle::storage::sqlite {

class sqlite_migrations final : public migration_backend {
 public:
  explicit sqlite_migrations(database& db) : db_(db) {}
  std::string_view backend_name() const override { return "sqlite"; }
  result<std::vector<applied_migration>> applied() override;
  status apply_up(int version, std::string_view name, std::string_view sql) override;
  status apply_down(int version, std::string_view sql) override;

 private:
  status ensure_table(connection& c);
  database& db_;
};

}  // namespace brokle::storage::sqlite
