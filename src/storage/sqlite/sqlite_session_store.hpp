// session_store on the embedded SQLite database: refresh sessions stored by hash, rotated with a
// compare-and-swap so a replayed refresh token loses to the one that rotated first.
#pragma once

#include <memory>

#include "storage/session_store.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace brokle::storage::sqlite {

class sqlite_session_store final : public session_store {
 public:
  explicit sqlite_session_store(std::shared_ptr<database> db) : db_(std::move(db)) {}

  status create(const session_record& s) override;
  result<std::optional<session_record>> find_by_refresh_hash(std::string_view hash) override;
  result<std::optional<session_record>> find(std::string_view session_id) override;
  result<std::optional<session_record>> find_by_previous_hash(std::string_view hash) override;
  // false also when the session is unknown or revoked: either way the presented token is not current.
  result<bool> rotate(std::string_view session_id, std::string_view old_hash, std::string_view new_hash,
                      int64_t new_expires_at) override;
  // Idempotent: revoking a revoked session keeps its first revocation time. not_found when unknown.
  status revoke(std::string_view session_id, int64_t now) override;
  status revoke_all_for_user(std::string_view user_id, int64_t now) override;

 private:
  result<std::optional<session_record>> find_where(std::string_view where, std::string_view key);
  std::shared_ptr<database> db_;
};

}  // namespace brokle::storage::sqlite
