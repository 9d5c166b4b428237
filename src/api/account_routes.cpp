// /api/v1/users/me*: profile, data export and account deletion (GDPR); /v1/auth/validate-key.
#include "api/identity_routes.hpp"
#include "api/json_views.hpp"

namespace brokle::api {

namespace asio = boost::asio;
using net::http_method;
using net::http_response;
using net::request_context;

namespace {

asio::awaitable<http_response> get_me(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto& auth = api.http.auth;
  auto user = co_await call_blocking(api.http.blocking, [&] { return auth.profile(who.user_id); });
  co_return json_ok(user_view(user));
}

asio::awaitable<http_response> update_me(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto body = parse_json_object(ctx.request);
  auto name = required_string(body, "name", 200);
  auto actor = actor_of(who, ctx);
  auto& accounts = api.accounts;
  auto& auth = api.http.auth;
  co_await call_blocking(api.http.blocking, [&] { return accounts.update_name(actor, name); });
  auto user = co_await call_blocking(api.http.blocking, [&] { return auth.profile(who.user_id); });
  co_return json_ok(user_view(user));
}

asio::awaitable<http_response> export_me(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto actor = actor_of(who, ctx);
  auto& accounts = api.accounts;
  auto data = co_await call_blocking(api.http.blocking, [&] { return accounts.export_data(actor); });
  auto res = json_ok(data);
  res.headers.set("Content-Disposition", "attachment; filename=\"brokle-export-" + who.user_id + ".json\"");
  co_return res;
}

asio::awaitable<http_response> delete_me(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto body = parse_json_object(ctx.request);
  auto password = required_string(body, "password", 1024);
  auto actor = actor_of(who, ctx);
  auto& accounts = api.accounts;
  co_await call_blocking(api.http.blocking, [&] { return accounts.delete_account(actor, password); });
  co_return json_ok(boost::json::object{{"deleted", true}});
}

asio::awaitable<http_response> validate_key(request_context& ctx, identity_api& api) {
  limit_by_ip(ctx, api.http);
  bool in_header = ctx.request.headers.has("X-API-Key") || ctx.request.header("Authorization").substr(0, 7) == "Bearer ";
  if (in_header) {
    // The usual SDK path: authenticate exactly as every /v1 call does, rate limit included.
    auto caller = require_api_key(ctx, api.http);
    auto res = json_ok(boost::json::object{{"valid", true},
                                           {"project_id", caller.key.scope.project_id()},
                                           {"organization_id", caller.key.scope.org_id()},
                                           {"key_id", caller.key.key_id}});
    for (const auto& h : caller.rate_headers) res.headers.set(h.name, h.value);
    co_return res;
  }
  if (ctx.request.body.empty()) fail(400, "missing_api_key", "send the key as {\"api_key\": ...} or in X-API-Key");
  auto body = parse_json_object(ctx.request);
  auto key = required_string(body, "api_key", 128);
  auto principal = api.http.keys.validate(key);
  if (!principal) fail(401, "invalid_api_key", principal.err().message);
  co_return json_ok(boost::json::object{{"valid", true},
                                        {"project_id", principal->scope.project_id()},
                                        {"organization_id", principal->scope.org_id()},
                                        {"key_id", principal->key_id}});
}

}  // namespace

void add_account_routes(net::router& r, identity_api& api) {
  auto bind = [&api](auto fn) { return [&api, fn](request_context& ctx) { return fn(ctx, api); }; };
  r.add(http_method::get, "/api/v1/users/me", bind(get_me));
  r.add(http_method::patch, "/api/v1/users/me", bind(update_me));
  r.add(http_method::get, "/api/v1/users/me/export", bind(export_me));
  r.add(http_method::del, "/api/v1/users/me", bind(delete_me));
}

void add_sdk_auth_routes(net::router& r, identity_api& api) {
  r.add(http_method::post, "/v1/auth/validate-key", [&api](request_context& ctx) { return validate_key(ctx, api); });
}

}  // namespace brokle::api
