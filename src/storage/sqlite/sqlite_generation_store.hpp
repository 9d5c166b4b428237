// generation_store on SQLite: one transaction per batch, one prepared insert reused.
#pragma once

#include <memory>

#include "storage/generation_store.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace brokle::storage::sqlite {

class sqlite_generation_store final : public generation_store {
 public:
  explicit sqlite_generation_store(std::shared_ptr<database> db) : db_(std::move(db)) {}
  status append_batch(const std::vector<generation_record>& batch) override;
  result<std::vector<generation_record>> recent(const project_scope& s, int limit) override;
  result<std::optional<generation_record>> find_by_upstream_id(const project_scope& s,
                                                               std::string_view upstream_id) override;
  result<bool> record_late_usage(const project_scope& s, std::string_view id, const late_usage& u) override;

 private:
  std::shared_ptr<database> db_;
};

}  // namespace brokle::storage::sqlite
