#include "identity/auth_service.hpp"

#include "core/ulid.hpp"
#include "identity/opaque_token.hpp"
#include "identity/recovery_codes.hpp"
#include "identity/totp.hpp"

namespace brokle::identity {

namespace {
const char* kBadCredentials = "invalid email or password";

std::time_t to_seconds(int64_t ms) { return static_cast<std::time_t>(ms / 1000); }
}  // namespace

result<storage::user_record> auth_service::create_user(const std::string& email, const std::string& password,
                                                       const std::string& name, bool is_admin) {
  if (auto st = check_password_policy(password); !st) return st.err();
  auto hashed = passwords_.hash(password);
  if (!hashed) return hashed.err();
  auto now = clock_.now_ms();
  storage::user_record u;
  u.id = new_ulid();
  u.email = email;
  u.name = name;
  u.password_hash = std::move(*hashed);
  u.is_admin = is_admin;
  u.created_at = now;
  if (auto st = users_.create(u); !st) {
    if (st.err().code == errc::conflict) return make_error(errc::conflict, "an account with this email already exists");
    return st.err();
  }
  return u;
}

result<signed_in> auth_service::sign_up(const std::string& email, const std::string& password,
                                        const std::string& name, bool is_admin, const client_info& client) {
  auto u = create_user(email, password, name, is_admin);
  if (!u) return u.err();
  audit_.record({u->id, client.ip}, "", "auth.signup", "user", u->id);
  auto tokens = open_session(*u, client);
  if (!tokens) return tokens.err();
  return signed_in{std::move(*u), std::move(*tokens)};
}

result<issued_tokens> auth_service::open_session(const storage::user_record& u, const client_info& client) {
  auto now = clock_.now_ms();
  std::string refresh = new_opaque_token();
  storage::session_record s;
  s.id = new_ulid();
  s.user_id = u.id;
  s.refresh_hash = hash_opaque_token(refresh);
  s.created_at = now;
  s.expires_at = now + settings_.refresh_ttl_ms;
  s.user_agent = client.user_agent.substr(0, 256);
  s.ip = client.ip;
  if (auto st = sessions_.create(s); !st) return st.err();
  access_claims claims;
  claims.user_id = u.id;
  claims.session_id = s.id;
  issued_tokens out;
  out.access_token = tokens_.issue(claims, to_seconds(now));
  out.refresh_token = std::move(refresh);
  out.access_expires_at = now + static_cast<int64_t>(tokens_.ttl().count()) * 1000;
  out.session_id = s.id;
  return out;
}

status auth_service::check_second_factor(const storage::user_record& u, const login_request& req) {
  if (!u.mfa_enabled) return ok_v;
  if (req.totp_code && !req.totp_code->empty()) {
    if (!u.mfa_secret) return make_error(errc::internal, "MFA enabled without a secret");
    auto secret = secrets_.open(*u.mfa_secret);
    if (!secret) return make_error(errc::internal, "cannot unseal the TOTP secret: " + secret.err().message);
    std::optional<int64_t> last;
    if (u.mfa_last_step > 0) last = u.mfa_last_step;
    auto match = verify_totp(*secret, *req.totp_code, to_seconds(clock_.now_ms()), 1, last);
    if (!match || !match->matched_step) return make_error(errc::unauthenticated, "invalid authentication code");
    if (match->replayed || !match->accepted)
      return make_error(errc::unauthenticated, "this authentication code was already used");
    // The store's compare-and-set closes the race of two logins with the same code.
    auto fresh = users_.advance_mfa_step(u.id, *match->matched_step);
    if (!fresh) return fresh.err();
    if (!*fresh) return make_error(errc::unauthenticated, "this authentication code was already used");
    return ok_v;
  }
  if (req.recovery_code && !req.recovery_code->empty()) {
    auto used = users_.use_recovery_code(u.id, hash_recovery_code(u.id, *req.recovery_code), clock_.now_ms());
    if (!used) return used.err();
    if (!*used) return make_error(errc::unauthenticated, "invalid or already used recovery code");
    return ok_v;
  }
  return make_error(errc::unauthenticated, "mfa_required");
}

result<signed_in> auth_service::login(const login_request& req, const client_info& client) {
  auto found = users_.find_by_email(req.email);
  if (!found) return found.err();
  if (!*found) {
    passwords_.verify_dummy(req.password);  // same cost as a real check: no email oracle
    audit_.record({"", client.ip}, "", "auth.login", "user", "", "failure", R"({"reason":"unknown_email"})");
    return make_error(errc::unauthenticated, kBadCredentials);
  }
  storage::user_record u = std::move(**found);
  auto now = clock_.now_ms();
  if (u.locked_until > now) {
    passwords_.verify_dummy(req.password);
    audit_.record({u.id, client.ip}, "", "auth.login", "user", u.id, "failure", R"({"reason":"locked"})");
    return make_error(errc::rate_limited, "too many failed logins; try again later", u.locked_until - now);
  }
  if (!passwords_.verify(u.password_hash, req.password)) {
    auto locked_until = users_.record_login_failure(u.id, now, settings_.lockout);
    audit_.record({u.id, client.ip}, "", "auth.login", "user", u.id, "failure", R"({"reason":"bad_password"})");
    if (locked_until && *locked_until > now) {
      audit_.record({u.id, client.ip}, "", "auth.lockout", "user", u.id);
      return make_error(errc::rate_limited, "too many failed logins; try again later", *locked_until - now);
    }
    return make_error(errc::unauthenticated, kBadCredentials);
  }
  if (auto mfa = check_second_factor(u, req); !mfa) {
    if (mfa.err().message != "mfa_required") {
      (void)users_.record_login_failure(u.id, now, settings_.lockout);
      audit_.record({u.id, client.ip}, "", "auth.login", "user", u.id, "failure", R"({"reason":"bad_mfa_code"})");
    }
    return mfa.err();
  }
  (void)users_.clear_login_failures(u.id);
  if (passwords_.needs_rehash(u.password_hash)) {
    if (auto rehashed = passwords_.hash(req.password)) (void)users_.update_password(u.id, *rehashed, now);
  }
  auto tokens = open_session(u, client);
  if (!tokens) return tokens.err();
  audit_.record({u.id, client.ip}, "", "auth.login", "user", u.id);
  return signed_in{std::move(u), std::move(*tokens)};
}

result<issued_tokens> auth_service::refresh(const std::string& refresh_token, const client_info& client) {
  if (!looks_like_opaque_token(refresh_token)) return make_error(errc::unauthenticated, "invalid refresh token");
  auto hash = hash_opaque_token(refresh_token);
  auto found = sessions_.find_by_refresh_hash(hash);
  if (!found) return found.err();
  auto now = clock_.now_ms();
  if (!*found) {
    auto spent = sessions_.find_by_previous_hash(hash);
    if (spent && *spent && !(*spent)->revoked_at) {
      // A refresh token used a second time: whoever holds the newer one may be a thief. End it.
      (void)sessions_.revoke((*spent)->id, now);
      audit_.record({(*spent)->user_id, client.ip}, "", "auth.refresh_reuse", "session", (*spent)->id, "failure");
      return make_error(errc::unauthenticated, "refresh token already used; session revoked");
    }
    return make_error(errc::unauthenticated, "invalid refresh token");
  }
  const auto& s = **found;
  if (s.revoked_at || s.expires_at <= now) return make_error(errc::unauthenticated, "session expired or signed out");
  std::string next = new_opaque_token();
  auto swapped = sessions_.rotate(s.id, hash, hash_opaque_token(next), now + settings_.refresh_ttl_ms);
  if (!swapped) return swapped.err();
  if (!*swapped) {
    // The same refresh token was used twice: someone else may hold it. End the session.
    (void)sessions_.revoke(s.id, now);
    audit_.record({s.user_id, client.ip}, "", "auth.refresh_reuse", "session", s.id, "failure");
    return make_error(errc::unauthenticated, "refresh token already used; session revoked");
  }
  access_claims claims;
  claims.user_id = s.user_id;
  claims.session_id = s.id;
  issued_tokens out;
  out.access_token = tokens_.issue(claims, to_seconds(now));
  out.refresh_token = std::move(next);
  out.access_expires_at = now + static_cast<int64_t>(tokens_.ttl().count()) * 1000;
  out.session_id = s.id;
  return out;
}

status auth_service::logout(const authenticated_user& who, const client_info& client) {
  if (auto st = sessions_.revoke(who.session_id, clock_.now_ms()); !st) return st;
  audit_.record({who.user_id, client.ip}, "", "auth.logout", "session", who.session_id);
  return ok_v;
}

result<authenticated_user> auth_service::authenticate(std::string_view access_token) {
  auto now = clock_.now_ms();
  auto claims = tokens_.verify(access_token, to_seconds(now));
  if (!claims) return claims.err();
  auto s = sessions_.find(claims->session_id);
  if (!s) return s.err();
  if (!*s || (*s)->revoked_at || (*s)->expires_at <= now || (*s)->user_id != claims->user_id)
    return make_error(errc::unauthenticated, "session expired or signed out");
  return authenticated_user{claims->user_id, claims->session_id};
}

result<issued_tokens> auth_service::change_password(const authenticated_user& who, const std::string& current,
                                                    const std::string& next, const client_info& client) {
  auto u = users_.find_by_id(who.user_id);
  if (!u) return u.err();
  if (!*u) return make_error(errc::unauthenticated, "user no longer exists");
  if (!passwords_.verify((*u)->password_hash, current)) {
    audit_.record({who.user_id, client.ip}, "", "auth.password_change", "user", who.user_id, "failure");
    return make_error(errc::unauthenticated, "current password is wrong");
  }
  if (auto st = check_password_policy(next); !st) return st.err();
  auto hashed = passwords_.hash(next);
  if (!hashed) return hashed.err();
  auto now = clock_.now_ms();
  if (auto st = users_.update_password(who.user_id, *hashed, now); !st) return st.err();
  if (auto st = sessions_.revoke_all_for_user(who.user_id, now); !st) return st.err();
  audit_.record({who.user_id, client.ip}, "", "auth.password_change", "user", who.user_id);
  return open_session(**u, client);
}

result<mfa_enrollment> auth_service::begin_mfa(const authenticated_user& who, const client_info& client) {
  auto u = users_.find_by_id(who.user_id);
  if (!u) return u.err();
  if (!*u) return make_error(errc::unauthenticated, "user no longer exists");
  if ((*u)->mfa_enabled) return make_error(errc::conflict, "MFA is already enabled; disable it first");
  mfa_enrollment out;
  out.secret = new_totp_secret();
  out.otpauth_uri = otpauth_uri(settings_.totp_issuer, (*u)->email, out.secret);
  if (auto st = users_.set_pending_mfa(who.user_id, secrets_.seal(out.secret), clock_.now_ms()); !st) return st.err();
  audit_.record({who.user_id, client.ip}, "", "mfa.enroll_start", "user", who.user_id);
  return out;
}

result<std::vector<std::string>> auth_service::confirm_mfa(const authenticated_user& who, const std::string& code,
                                                           const client_info& client) {
  auto u = users_.find_by_id(who.user_id);
  if (!u) return u.err();
  if (!*u) return make_error(errc::unauthenticated, "user no longer exists");
  if ((*u)->mfa_enabled) return make_error(errc::conflict, "MFA is already enabled");
  if (!(*u)->mfa_secret) return make_error(errc::invalid_argument, "start enrollment first");
  auto secret = secrets_.open(*(*u)->mfa_secret);
  if (!secret) return make_error(errc::internal, "cannot unseal the TOTP secret");
  auto step = verify_totp(*secret, code, to_seconds(clock_.now_ms()));
  if (!step || !step->accepted || !step->matched_step)
    return make_error(errc::invalid_argument, "invalid authentication code");
  // Burn the confirming code's step so it cannot log in a second time.
  auto fresh = users_.advance_mfa_step(who.user_id, *step->matched_step);
  if (!fresh) return fresh.err();
  auto codes = new_recovery_codes(10);
  std::vector<std::string> hashes;
  for (const auto& c : codes) hashes.push_back(hash_recovery_code(who.user_id, c));
  if (auto st = users_.enable_mfa(who.user_id, hashes, clock_.now_ms()); !st) return st.err();
  audit_.record({who.user_id, client.ip}, "", "mfa.enable", "user", who.user_id);
  return codes;
}

status auth_service::disable_mfa(const authenticated_user& who, const std::string& password, const std::string& code,
                                 const client_info& client) {
  auto u = users_.find_by_id(who.user_id);
  if (!u) return u.err();
  if (!*u) return make_error(errc::unauthenticated, "user no longer exists");
  if (!(*u)->mfa_enabled) return make_error(errc::conflict, "MFA is not enabled");
  if (!passwords_.verify((*u)->password_hash, password))
    return make_error(errc::unauthenticated, "password is wrong");
  login_request second;
  if (code.find('-') != std::string::npos) second.recovery_code = code;
  else second.totp_code = code;
  if (auto st = check_second_factor(**u, second); !st) return st;
  if (auto st = users_.disable_mfa(who.user_id, clock_.now_ms()); !st) return st;
  audit_.record({who.user_id, client.ip}, "", "mfa.disable", "user", who.user_id);
  return ok_v;
}

result<storage::user_record> auth_service::profile(std::string_view user_id) {
  auto u = users_.find_by_id(user_id);
  if (!u) return u.err();
  if (!*u) return make_error(errc::unauthenticated, "user no longer exists");
  return **u;
}

}  // namespace brokle::identity
