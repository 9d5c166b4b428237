// project_provider_store on SQLite (table project_providers, migration 0005).
#pragma once

#include <memory>

#include "storage/project_provider_store.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace brokle::storage::sqlite {

class sqlite_project_provider_store final : public project_provider_store {
 public:
  explicit sqlite_project_provider_store(std::shared_ptr<database> db) : db_(std::move(db)) {}
  status create(const project_scope& s, const project_provider_record& r) override;
  result<std::vector<project_provider_record>> list(const project_scope& s) override;
  result<project_provider_record> get(const project_scope& s, const std::string& id) override;
  status update(const project_scope& s, const project_provider_record& r) override;
  status remove(const project_scope& s, const std::string& id) override;
  result<std::vector<project_provider_record>> all() override;
  result<int64_t> version() override;

 private:
  std::shared_ptr<database> db_;
};

}  // namespace brokle::storage::sqlite
