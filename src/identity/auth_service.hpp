// Dashboard authentication: sign-up, login with lockout and optional TOTP, short-lived JWT access
// tokens plus server-side refresh sessions (hashed, rotated on every use, revoked on logout and on
// password change), and MFA enrollment. Blocking (Argon2id, store calls): run on the blocking pool.
//
// Lockout: max_failures failed logins inside the window lock the account for lock_ms; while
// locked, even the right password is refused (429 with Retry-After). Unknown emails take the same
// time and get the same answer as wrong passwords.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "identity/access_token.hpp"
#include "identity/audit_trail.hpp"
#include "identity/password_hasher.hpp"
#include "identity/secret_box.hpp"
#include "storage/session_store.hpp"
#include "storage/user_store.hpp"

namespace brokle::identity {

struct auth_settings {
  int64_t refresh_ttl_ms = 30LL * 24 * 3600 * 1000;
  storage::login_failure_policy lockout;
  std::string totp_issuer = "Brokle";
};

struct client_info {
  std::string ip;
  std::string user_agent;
};

struct issued_tokens {
  std::string access_token;
  std::string refresh_token;
  int64_t access_expires_at = 0;  // unix ms
  std::string session_id;
};

struct signed_in {
  storage::user_record user;
  issued_tokens tokens;
};

struct authenticated_user {
  std::string user_id;
  std::string session_id;
};

struct mfa_enrollment {
  std::string secret;       // base32, shown once
  std::string otpauth_uri;  // for QR codes
};

struct login_request {
  std::string email;
  std::string password;
  std::optional<std::string> totp_code;
  std::optional<std::string> recovery_code;
};

class auth_service {
 public:
  auth_service(storage::user_store& users, storage::session_store& sessions, audit_trail& audit,
               const password_hasher& passwords, const access_token_codec& tokens, const secret_box& secrets,
               const clock_source& clock, auth_settings settings)
      : users_(users),
        sessions_(sessions),
        audit_(audit),
        passwords_(passwords),
        tokens_(tokens),
        secrets_(secrets),
        clock_(clock),
        settings_(std::move(settings)) {}

  result<signed_in> sign_up(const std::string& email, const std::string& password, const std::string& name,
                            bool is_admin, const client_info& client);
  // Creates a user without signing in (CLI set-up). conflict when the email is taken.
  result<storage::user_record> create_user(const std::string& email, const std::string& password,
                                           const std::string& name, bool is_admin);
  result<signed_in> login(const login_request& req, const client_info& client);
  result<issued_tokens> refresh(const std::string& refresh_token, const client_info& client);
  status logout(const authenticated_user& who, const client_info& client);
  // Verifies an access token and that its session is still live.
  result<authenticated_user> authenticate(std::string_view access_token);
  result<issued_tokens> change_password(const authenticated_user& who, const std::string& current,
                                        const std::string& next, const client_info& client);

  result<mfa_enrollment> begin_mfa(const authenticated_user& who, const client_info& client);
  result<std::vector<std::string>> confirm_mfa(const authenticated_user& who, const std::string& code,
                                               const client_info& client);
  status disable_mfa(const authenticated_user& who, const std::string& password, const std::string& code,
                     const client_info& client);

  result<storage::user_record> profile(std::string_view user_id);

 private:
  result<issued_tokens> open_session(const storage::user_record& u, const client_info& client);
  status check_second_factor(const storage::user_record& u, const login_request& req);

  storage::user_store& users_;
  storage::session_store& sessions_;
  audit_trail& audit_;
  const password_hasher& passwords_;
  const access_token_codec& tokens_;
  const secret_box& secrets_;
  const clock_source& clock_;
  auth_settings settings_;
};

}  // namespace brokle::identity
