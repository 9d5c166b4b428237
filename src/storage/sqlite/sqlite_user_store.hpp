// user_store on the embedded SQLite database: dashboard users, their login-failure lockout
// counters, TOTP state and recovery codes. Reads use the pooled readers; writes the one writer.
#pragma once

#include <memory>

#include "storage/sqlite/sqlite_database.hpp"
#include "storage/user_store.hpp"

namespace brokle::storage::sqlite {

class sqlite_user_store final : public user_store {
 public:
  explicit sqlite_user_store(std::shared_ptr<database> db) : db_(std::move(db)) {}

  status create(const user_record& u) override;
  result<std::optional<user_record>> find_by_email(std::string_view email) override;
  result<std::optional<user_record>> find_by_id(std::string_view id) override;
  result<int64_t> count() override;
  result<std::optional<user_record>> first_admin() override;
  status update_profile(std::string_view id, std::string_view name, int64_t now) override;
  status update_password(std::string_view id, std::string_view password_hash, int64_t now) override;
  // A failure after the window has passed, or after an earlier lock has expired, starts a new
  // count. While a lock is in force further failures are counted but do not extend it.
  result<int64_t> record_login_failure(std::string_view id, int64_t now, const login_failure_policy& p) override;
  status clear_login_failures(std::string_view id) override;
  // errc::conflict when MFA is already enabled: an enrolled secret is replaced only by disabling first.
  status set_pending_mfa(std::string_view id, std::string_view sealed_secret, int64_t now) override;
  // errc::conflict when no pending secret was stored first.
  status enable_mfa(std::string_view id, const std::vector<std::string>& recovery_hashes, int64_t now) override;
  // Clears the secret, the last step and every recovery code.
  status disable_mfa(std::string_view id, int64_t now) override;
  result<bool> advance_mfa_step(std::string_view id, int64_t step) override;
  result<bool> use_recovery_code(std::string_view id, std::string_view code_hash, int64_t now) override;
  result<int> unused_recovery_codes(std::string_view id) override;
  // Sessions, memberships and recovery codes go with the user (ON DELETE CASCADE in the schema).
  status delete_user(std::string_view id) override;

 private:
  result<std::optional<user_record>> find_where(std::string_view where, std::string_view key);
  std::shared_ptr<database> db_;
};

}  // namespace brokle::storage::sqlite
