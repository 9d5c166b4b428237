// store_health for SQLite: a read round trip on a pooled connection plus the schema version.
#pragma once

#include <memory>

#include "storage/sqlite/sqlite_database.hpp"
#include "storage/store_health.hpp"

namespace brokle::storage::sqlite {

class sqlite_store_health final : public store_health {
 public:
  explicit sqlite_store_health(std::shared_ptr<database> db) : db_(std::move(db)) {}
  result<store_probe> probe() override;

 private:
  std::shared_ptr<database> db_;
};

}  // namespace brokle::storage::sqlite
