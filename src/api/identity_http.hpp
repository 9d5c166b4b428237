// The HTTP side of identity shared by every handler: turning result errors into the JSON error
// envelope, authenticating dashboard users (Bearer access token) and SDK callers (project API
// key), per-caller rate limits, and running blocking service calls on the pool.
#pragma once

#include <string>
#include <type_traits>

#include <boost/asio/awaitable.hpp>

#include "api/json_body.hpp"
#include "core/result.hpp"
#include "identity/api_key_index.hpp"
#include "identity/auth_service.hpp"
#include "identity/token_bucket.hpp"
#include "net/blocking_pool.hpp"
#include "net/request_context.hpp"

namespace brokle::api {

// Status and code for an expected failure; aborts the request (thrown as net::request_error).
[[noreturn]] void fail_with(const error& e);

template <class T>
T unwrap(result<T> r) {
  if (!r) fail_with(r.err());
  return std::move(r).value();
}
inline void unwrap(status s) {
  if (!s) fail_with(s.err());
}

// Runs a blocking service call on the pool and unwraps its result (503 when the pool is full).
template <class F>
auto call_blocking(net::blocking_pool& pool, F fn) -> boost::asio::awaitable<decltype(unwrap(fn()))> {
  static_assert(std::is_trivially_destructible_v<F>, "capture by reference (GCC 12 co_await temporary bug)");
  auto r = co_await pool.run(fn);
  if (!r) fail_with(r.err());
  if constexpr (std::is_void_v<decltype(unwrap(fn()))>) {
    unwrap(std::move(*r));
    co_return;
  } else {
    co_return unwrap(std::move(*r));
  }
}

identity::client_info client_of(const net::request_context& ctx);
identity::audit_actor actor_of(const identity::authenticated_user& who, const net::request_context& ctx);

// Ids are ULIDs; anything else cannot exist and is answered like an unknown id: 404 "<what> not found".
void require_ulid(std::string_view id, std::string_view what);
std::string ulid_param(const net::request_context& ctx, std::string_view name, std::string_view what);

struct rate_limit_rules {
  identity::bucket_rule auth_per_ip{20, 20.0 / 60};      // sign-up/login/refresh: 20 per minute per IP
  identity::bucket_rule dashboard_per_user{600, 10};     // 600 per minute per signed-in user
};

struct identity_http {
  identity::auth_service& auth;
  identity::api_key_index& keys;
  identity::rate_limiter& limiter;
  net::blocking_pool& blocking;
  rate_limit_rules rules;
};

// Bearer access token -> user (401 otherwise), then the per-user rate limit (429).
boost::asio::awaitable<identity::authenticated_user> require_user(net::request_context& ctx, identity_http& id);
// Per-IP limit for unauthenticated auth routes (429 with Retry-After).
void limit_by_ip(net::request_context& ctx, identity_http& id);

struct sdk_caller {
  identity::key_principal key;
  std::vector<net::header_map::entry> rate_headers;  // x-ratelimit-* for the response
};
// X-API-Key or Authorization: Bearer bk_... -> project principal, then the key's RPM limit and
// (when set) its tokens-per-minute budget (429 once spent).
sdk_caller require_api_key(net::request_context& ctx, identity_http& id);
// The token of an "Authorization: Bearer <token>" header, or "".
std::string_view bearer_of(const net::http_request& req);
// Langfuse-style Basic auth: username = the project id, password = a project API key.
sdk_caller require_basic_api_key(net::request_context& ctx, identity_http& id);
// Validates a key and applies its request and token limits (429 + headers when over).
sdk_caller admit_api_key(std::string_view key, identity_http& id);
// Charges a finished call's tokens to the key's TPM budget (may go negative: the next call waits).
void record_tokens(identity_http& id, const identity::key_principal& key, int64_t tokens);
identity::bucket_rule tokens_rule(int64_t tpm_limit);

}  // namespace brokle::api
