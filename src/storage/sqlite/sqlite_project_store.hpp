// project_store on the embedded SQLite database: projects and their API keys. Every statement that
// takes a scope filters on the scope's organization (keys through their project's org_id), so a
// scope for one organization can neither read nor change another's rows.
#pragma once

#include <memory>

#include "storage/project_store.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace brokle::storage::sqlite {

class sqlite_project_store final : public project_store {
 public:
  explicit sqlite_project_store(std::shared_ptr<database> db) : db_(std::move(db)) {}

  // The project's org_id comes from the scope (a different non-empty one is invalid_argument);
  // conflict when the organization already has a project of that name.
  status create(const org_scope& s, const project_record& p) override;
  result<std::vector<project_record>> list(const org_scope& s) override;
  result<project_record> get(const org_scope& s, std::string_view project_id) override;
  // Changes only the fields that are set; not_found outside the scope, conflict on a taken name.
  status update(const project_scope& s, const project_update& u, int64_t now) override;
  // The project's keys go with it (ON DELETE CASCADE), which the key feed cannot report: see
  // keys_changed_since.
  status remove(const project_scope& s) override;

  // The key's project_id comes from the scope; not_found when the project is not in the scope's
  // organization. updated_at defaults to created_at.
  status create_key(const project_scope& s, const api_key_record& k) override;
  result<std::vector<api_key_record>> list_keys(const project_scope& s) override;
  // Idempotent (keeps the first revocation time); not_found when the key is not in the scope.
  status revoke_key(const project_scope& s, std::string_view key_id, int64_t now) override;
  // Keys with updated_at > since, oldest change first. Every change moves a key's updated_at
  // strictly forward, but different keys can share a millisecond, so a poller should re-read a
  // small overlap rather than trust `since` = the newest time it saw. Keys removed with their
  // project or organization leave no row and never appear here.
  result<std::vector<api_key_record>> keys_changed_since(int64_t since) override;
  result<std::string> owner_of(std::string_view project_id) override;

 private:
  std::shared_ptr<database> db_;
};

}  // namespace brokle::storage::sqlite
