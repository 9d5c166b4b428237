#include "api/identity_http.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>

#include <cmath>

#include "core/log.hpp"
#include "core/ulid.hpp"

namespace brokle::api {

void fail_with(const error& e) {
  unsigned status = 500;
  std::string code = "internal_error";
  std::string message = e.message;
  switch (e.code) {
    case errc::invalid_argument: status = 400, code = "invalid_request"; break;
    case errc::unauthenticated: status = 401, code = e.message == "mfa_required" ? "mfa_required" : "unauthorized"; break;
    case errc::permission_denied: status = 403, code = "forbidden"; break;
    case errc::not_found: status = 404, code = "not_found"; break;
    case errc::conflict: status = 409, code = "conflict"; break;
    case errc::too_large: status = 413, code = "request_too_large"; break;
    case errc::rate_limited: status = 429, code = "rate_limited"; break;
    case errc::unavailable: status = 503, code = "unavailable"; break;
    case errc::timed_out: status = 504, code = "timeout"; break;
    case errc::internal:
      log::error("internal error", {{"error", e.message}});
      message = "internal error";
      break;
  }
  if (code == "mfa_required") message = "this account uses two-factor authentication: send totp_code or recovery_code";
  net::request_error re{status, code, message, "", {}};
  if (e.retry_after_ms > 0)
    re.headers.push_back({"Retry-After", std::to_string((e.retry_after_ms + 999) / 1000)});
  throw re;
}

identity::client_info client_of(const net::request_context& ctx) {
  return {ctx.request.remote_address, std::string(ctx.request.header("User-Agent").substr(0, 256))};
}

identity::audit_actor actor_of(const identity::authenticated_user& who, const net::request_context& ctx) {
  return {who.user_id, ctx.request.remote_address};
}

void require_ulid(std::string_view id, std::string_view what) {
  if (!is_valid_ulid(id)) fail(404, "not_found", std::string(what) + " not found");
}

std::string ulid_param(const net::request_context& ctx, std::string_view name, std::string_view what) {
  std::string v(ctx.param(name));
  require_ulid(v, what);
  return v;
}

namespace {

void enforce(identity::rate_limiter& limiter, const std::string& key, const identity::bucket_rule& rule,
             const char* what) {
  auto d = limiter.take(key, rule, 1, std::chrono::steady_clock::now());
  if (d.allowed) return;
  net::request_error re{429, "rate_limited", std::string("too many requests ") + what + "; slow down", "", {}};
  re.headers.push_back({"Retry-After", std::to_string(std::max<int64_t>(1, (d.retry_after.count() + 999) / 1000))});
  throw re;
}


}  // namespace

std::string_view bearer_of(const net::http_request& req) {
  auto h = req.header("Authorization");
  if (h.size() > 7 && (h.substr(0, 7) == "Bearer " || h.substr(0, 7) == "bearer ")) return h.substr(7);
  return {};
}

identity::bucket_rule tokens_rule(int64_t tpm_limit) {
  return {static_cast<double>(tpm_limit), static_cast<double>(tpm_limit) / 60.0};
}

void record_tokens(identity_http& id, const identity::key_principal& key, int64_t tokens) {
  if (key.tpm_limit <= 0 || tokens <= 0) return;
  id.limiter.record("tpm:" + key.key_id, tokens_rule(key.tpm_limit), static_cast<double>(tokens),
                    std::chrono::steady_clock::now());
}

void limit_by_ip(net::request_context& ctx, identity_http& id) {
  enforce(id.limiter, "ip:" + ctx.request.remote_address, id.rules.auth_per_ip, "from this address");
}

boost::asio::awaitable<identity::authenticated_user> require_user(net::request_context& ctx, identity_http& id) {
  std::string_view token = bearer_of(ctx.request);
  if (token.empty()) fail(401, "unauthorized", "sign in: send Authorization: Bearer <access token>");
  auto& auth = id.auth;
  auto who = co_await call_blocking(id.blocking, [&] { return auth.authenticate(token); });
  enforce(id.limiter, "user:" + who.user_id, id.rules.dashboard_per_user, "for this user");
  co_return who;
}

sdk_caller require_api_key(net::request_context& ctx, identity_http& id) {
  std::string_view key = ctx.request.header("X-API-Key");
  if (key.empty()) key = bearer_of(ctx.request);
  if (key.empty()) fail(401, "missing_api_key", "send a project API key in X-API-Key or Authorization: Bearer");
  return admit_api_key(key, id);
}

sdk_caller require_basic_api_key(net::request_context& ctx, identity_http& id) {
  std::string_view h = ctx.request.header("Authorization");
  constexpr std::string_view scheme = "Basic ";
  if (h.size() <= scheme.size() || !std::equal(scheme.begin(), scheme.end(), h.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
      }))
    fail(401, "missing_credentials",
         "send Basic auth: the project id as the public key and a project API key as the secret key");
  auto b64 = h.substr(scheme.size());
  if (b64.size() > 1024) fail(401, "invalid_credentials", "malformed Basic credentials");
  std::string decoded(b64.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(), b64.data(), b64.size(), " \t",
                        &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    fail(401, "invalid_credentials", "malformed Basic credentials");
  decoded.resize(len);
  auto colon = decoded.find(':');
  if (colon == std::string::npos) fail(401, "invalid_credentials", "malformed Basic credentials");
  std::string_view public_key(decoded.data(), colon);
  std::string_view secret(decoded.data() + colon + 1, decoded.size() - colon - 1);
  auto caller = admit_api_key(secret, id);
  // The public key names the project; it must be the key's own (a key never writes elsewhere).
  if (public_key != caller.key.scope.project_id())
    fail(401, "invalid_credentials", "the public key must be the id of the API key's project");
  return caller;
}

sdk_caller admit_api_key(std::string_view key, identity_http& id) {
  auto principal = id.keys.validate(key);
  if (!principal) fail(401, "invalid_api_key", principal.err().message);
  sdk_caller out{std::move(*principal), {}};
  if (out.key.tpm_limit > 0) {
    // Tokens are counted after each call (record_tokens); here we only ask whether the key is
    // still within its budget, so a call never starts on an exhausted key.
    auto rule = tokens_rule(out.key.tpm_limit);
    auto d = id.limiter.take("tpm:" + out.key.key_id, rule, 0, std::chrono::steady_clock::now());
    out.rate_headers = {{"x-ratelimit-limit-tokens", std::to_string(out.key.tpm_limit)},
                        {"x-ratelimit-remaining-tokens",
                         std::to_string(static_cast<int64_t>(std::max(0.0, std::floor(d.remaining))))},
                        {"x-ratelimit-reset-tokens",
                         std::to_string(std::max<int64_t>(0, d.reset_after.count()) / 1000.0) + "s"}};
    if (!d.allowed) {
      net::request_error re{429, "rate_limit_exceeded",
                            "token rate limit reached for this API key: " + std::to_string(out.key.tpm_limit) +
                                " tokens per minute",
                            "", out.rate_headers};
      re.headers.push_back(
          {"Retry-After", std::to_string(std::max<int64_t>(1, (d.retry_after.count() + 999) / 1000))});
      throw re;
    }
  }
  if (out.key.rpm_limit > 0) {
    identity::bucket_rule rule{static_cast<double>(out.key.rpm_limit), static_cast<double>(out.key.rpm_limit) / 60.0};
    auto d = id.limiter.take("key:" + out.key.key_id, rule, 1, std::chrono::steady_clock::now());
    auto reset_s = std::to_string(std::max<int64_t>(0, d.reset_after.count()) / 1000.0) + "s";
    out.rate_headers.push_back({"x-ratelimit-limit-requests", std::to_string(out.key.rpm_limit)});
    out.rate_headers.push_back({"x-ratelimit-remaining-requests",
                                std::to_string(static_cast<int64_t>(std::max(0.0, std::floor(d.remaining))))});
    out.rate_headers.push_back({"x-ratelimit-reset-requests", reset_s});
    if (!d.allowed) {
      net::request_error re{429, "rate_limit_exceeded",
                            "rate limit reached for this API key: " + std::to_string(out.key.rpm_limit) +
                                " requests per minute",
                            "", out.rate_headers};
      re.headers.push_back(
          {"Retry-After", std::to_string(std::max<int64_t>(1, (d.retry_after.count() + 999) / 1000))});
      throw re;
    }
  }
  return out;
}

}  // namespace brokle::api
