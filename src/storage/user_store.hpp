// Dashboard users and their login state. A user is their own scope: every call names the user id
// the caller authenticated as (or the email being logged into).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace brokle::storage {

struct user_record {
  std::string id;
  std::string email;
  std::string name;
  std::string password_hash;
  bool is_admin = false;
  std::optional<std::string> mfa_secret;  // sealed
  bool mfa_enabled = false;
  int64_t mfa_last_step = 0;
  int failed_logins = 0;
  int64_t first_failed_at = 0;
  int64_t locked_until = 0;
  int64_t created_at = 0;
};

struct login_failure_policy {
  int max_failures = 5;
  int64_t window_ms = 15 * 60 * 1000;
  int64_t lock_ms = 15 * 60 * 1000;
};

class user_store {
 public:
  virtual ~user_store() = default;
  // errc::conflict when the email is taken.
  virtual status create(const user_record& u) = 0;
  virtual result<std::optional<user_record>> find_by_email(std::string_view email) = 0;
  virtual result<std::optional<user_record>> find_by_id(std::string_view id) = 0;
  virtual result<int64_t> count() = 0;
  // The oldest admin (else the oldest user): the owner of things the CLI operator creates.
  virtual result<std::optional<user_record>> first_admin() = 0;
  virtual status update_profile(std::string_view id, std::string_view name, int64_t now) = 0;
  virtual status update_password(std::string_view id, std::string_view password_hash, int64_t now) = 0;
  // Counts a failure inside the window; returns locked_until (0 when not locked).
  virtual result<int64_t> record_login_failure(std::string_view id, int64_t now, const login_failure_policy& p) = 0;
  virtual status clear_login_failures(std::string_view id) = 0;
  // Stores a pending (not yet enabled) sealed TOTP secret.
  virtual status set_pending_mfa(std::string_view id, std::string_view sealed_secret, int64_t now) = 0;
  // Enables MFA and replaces the recovery codes, atomically.
  virtual status enable_mfa(std::string_view id, const std::vector<std::string>& recovery_hashes, int64_t now) = 0;
  virtual status disable_mfa(std::string_view id, int64_t now) = 0;
  // Advances the last accepted TOTP step; false when `step` is not newer (a replayed code).
  virtual result<bool> advance_mfa_step(std::string_view id, int64_t step) = 0;
  // Marks one unused recovery code used; false when none matched.
  virtual result<bool> use_recovery_code(std::string_view id, std::string_view code_hash, int64_t now) = 0;
  virtual result<int> unused_recovery_codes(std::string_view id) = 0;
  // Deletes the user and everything that is only theirs (sessions, memberships, codes).
  virtual status delete_user(std::string_view id) = 0;
};

}  // namespace brokle::storage
