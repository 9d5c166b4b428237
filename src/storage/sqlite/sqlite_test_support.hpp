// Shared by the SQLite store tests: a fresh database with the real embedded migrations applied,
// and the one definition of the test-only scope factory (scopes have private constructors).
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>

#include "core/tenant_scope.hpp"
#include "storage/migration_runner.hpp"
#include "storage/sqlite/sqlite_database.hpp"
#include "storage/sqlite/sqlite_migrations.hpp"

struct brokle::scope_factory_for_tests {
  static org_scope org(std::string id, org_role r) { return org_scope(std::move(id), r); }
  static project_scope project(std::string org, std::string p) { return project_scope(std::move(org), std::move(p)); }
};

namespace brokle::storage::sqlite {

// Recreates `dir`, opens t.db in it and applies every embedded migration; throws on failure (the
// test then fails with the message).
inline std::shared_ptr<database> open_migrated_database(const std::filesystem::path& dir) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto d = database::open(dir / "t.db", 2);
  if (!d) throw std::runtime_error(d.err().message);
  std::shared_ptr<database> db = std::move(*d);
  sqlite_migrations backend(*db);
  auto applied = migration_runner(backend, embedded_migration_files()).up();
  if (!applied) throw std::runtime_error(applied.err().message);
  return db;
}

}  // namespace brokle::storage::sqlite
