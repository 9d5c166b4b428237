// audit_store on the embedded SQLite database. The table is append-only (triggers in the schema
// abort any UPDATE or DELETE), so this class only inserts and reads.
#pragma once

#include <memory>

#include "storage/audit_store.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace brokle::storage::sqlite {

class sqlite_audit_store final : public audit_store {
 public:
  // Bound on one page of list/list_for_actor: a limit outside [1, max_page] is clamped into it.
  static constexpr int max_page = 1000;

  explicit sqlite_audit_store(std::shared_ptr<database> db) : db_(std::move(db)) {}

  // An empty id is filled with a new ULID.
  status append(const audit_event& e) override;
  // Newest first (by id). Times are the half-open range [since, until); until = 0 is open-ended.
  // action_prefix matches case-sensitively; before_id returns only events with a smaller id.
  result<std::vector<audit_event>> list(const org_scope& s, const audit_query& q) override;
  // Events with org_id '' whose actor is the user, newest first.
  result<std::vector<audit_event>> list_for_actor(std::string_view user_id, int limit) override;

 private:
  std::shared_ptr<database> db_;
};

}  // namespace brokle::storage::sqlite
