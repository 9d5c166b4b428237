// Numbered up/down migrations for any backend. A backend keeps a schema_migrations table of
// (version, name, dirty, applied_at). A migration is marked dirty before it runs and clean after;
// a dirty row means a migration failed half-way on a backend without transactional DDL, and
// `serve` refuses to start until someone looks.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "storage/embedded_migrations.hpp"

namespace brokle::storage {

struct applied_migration {
  int version;
  std::string name;
  bool dirty;
  std::string applied_at;
};

// What a backend must provide for the runner.
class migration_backend {
 public:
  virtual ~migration_backend() = default;
  virtual std::string_view backend_name() const = 0;
  virtual result<std::vector<applied_migration>> applied() = 0;
  // Runs sql and records the new state atomically where the backend allows it.
  virtual status apply_up(int version, std::string_view name, std::string_view sql) = 0;
  virtual status apply_down(int version, std::string_view sql) = 0;
};

struct migration_status_row {
  int version;
  std::string name;
  enum class state { applied, pending, dirty } st;
  std::string applied_at;
};

class migration_runner {
 public:
  migration_runner(migration_backend& backend, const std::vector<migration_file>& files);

  result<std::vector<migration_status_row>> status_rows();
  // Applies every pending migration in order. progress(version, name) is called before each one.
  result<int> up(const std::function<void(int, std::string_view)>& progress = {});
  // Reverts the newest `steps` applied migrations.
  result<int> down(int steps, const std::function<void(int, std::string_view)>& progress = {});
  // Fails when any migration is dirty or when the database is newer than this binary.
  status check_ready();

 private:
  struct pair {
    int version;
    std::string name;
    std::string_view up;
    std::string_view down;
  };
  migration_backend& backend_;
  std::vector<pair> known_;
};

}  // namespace brokle::storage
