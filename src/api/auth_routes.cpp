// /api/v1/auth/*: sign-up, login, refresh, logout, me, password change, MFA.
#include <boost/json/serialize.hpp>

#include "api/identity_routes.hpp"
#include "api/json_views.hpp"

namespace brokle::api {

namespace asio = boost::asio;
using net::http_method;
using net::http_response;
using net::request_context;

http_response json_ok(boost::json::value v, unsigned status) {
  auto r = net::json_response(status, boost::json::serialize(v));
  r.headers.set("Cache-Control", "no-store");
  return r;
}

namespace {

asio::awaitable<http_response> signup(request_context& ctx, identity_api& api) {
  limit_by_ip(ctx, api.http);
  auto body = parse_json_object(ctx.request);
  auto email = required_email(body);
  auto password = required_string(body, "password", 1024);
  auto name = optional_string(body, "name", 200).value_or("");
  auto client = client_of(ctx);
  auto& auth = api.http.auth;
  auto done = co_await call_blocking(api.http.blocking,
                                     [&] { return auth.sign_up(email, password, name, false, client); });
  boost::json::object out = tokens_view(done.tokens);
  out["user"] = user_view(done.user);
  co_return json_ok(out, 201);
}

asio::awaitable<http_response> login(request_context& ctx, identity_api& api) {
  limit_by_ip(ctx, api.http);
  auto body = parse_json_object(ctx.request);
  identity::login_request req;
  req.email = required_email(body);
  req.password = required_string(body, "password", 1024);
  req.totp_code = optional_string(body, "totp_code", 16);
  req.recovery_code = optional_string(body, "recovery_code", 32);
  auto client = client_of(ctx);
  auto& auth = api.http.auth;
  auto done = co_await call_blocking(api.http.blocking, [&] { return auth.login(req, client); });
  boost::json::object out = tokens_view(done.tokens);
  out["user"] = user_view(done.user);
  co_return json_ok(out);
}

asio::awaitable<http_response> refresh(request_context& ctx, identity_api& api) {
  limit_by_ip(ctx, api.http);
  auto body = parse_json_object(ctx.request);
  auto token = required_string(body, "refresh_token", 128);
  auto client = client_of(ctx);
  auto& auth = api.http.auth;
  auto tokens = co_await call_blocking(api.http.blocking, [&] { return auth.refresh(token, client); });
  co_return json_ok(tokens_view(tokens));
}

asio::awaitable<http_response> logout(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto client = client_of(ctx);
  auto& auth = api.http.auth;
  co_await call_blocking(api.http.blocking, [&] { return auth.logout(who, client); });
  co_return json_ok(boost::json::object{{"signed_out", true}});
}

asio::awaitable<http_response> me(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto& auth = api.http.auth;
  auto& orgs = api.orgs;
  auto user = co_await call_blocking(api.http.blocking, [&] { return auth.profile(who.user_id); });
  auto memberships = co_await call_blocking(api.http.blocking, [&] { return orgs.list_mine(who.user_id); });
  boost::json::object out = user_view(user);
  boost::json::array list;
  for (const auto& m : memberships) list.push_back(membership_view(m));
  out["organizations"] = std::move(list);
  co_return json_ok(out);
}

asio::awaitable<http_response> change_password(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto body = parse_json_object(ctx.request);
  auto current = required_string(body, "current_password", 1024);
  auto next = required_string(body, "new_password", 1024);
  auto client = client_of(ctx);
  auto& auth = api.http.auth;
  auto tokens =
      co_await call_blocking(api.http.blocking, [&] { return auth.change_password(who, current, next, client); });
  co_return json_ok(tokens_view(tokens));
}

asio::awaitable<http_response> mfa_enroll(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto client = client_of(ctx);
  auto& auth = api.http.auth;
  auto e = co_await call_blocking(api.http.blocking, [&] { return auth.begin_mfa(who, client); });
  co_return json_ok(boost::json::object{{"secret", e.secret}, {"otpauth_uri", e.otpauth_uri}});
}

asio::awaitable<http_response> mfa_confirm(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto body = parse_json_object(ctx.request);
  auto code = required_string(body, "code", 16);
  auto client = client_of(ctx);
  auto& auth = api.http.auth;
  auto codes = co_await call_blocking(api.http.blocking, [&] { return auth.confirm_mfa(who, code, client); });
  boost::json::array list;
  for (const auto& c : codes) list.push_back(boost::json::value(c));
  co_return json_ok(boost::json::object{{"mfa_enabled", true}, {"recovery_codes", std::move(list)}});
}

asio::awaitable<http_response> mfa_disable(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto body = parse_json_object(ctx.request);
  auto password = required_string(body, "password", 1024);
  auto code = required_string(body, "code", 32);
  auto client = client_of(ctx);
  auto& auth = api.http.auth;
  co_await call_blocking(api.http.blocking, [&] { return auth.disable_mfa(who, password, code, client); });
  co_return json_ok(boost::json::object{{"mfa_enabled", false}});
}

}  // namespace

void add_auth_routes(net::router& r, identity_api& api) {
  auto bind = [&api](auto fn) { return [&api, fn](request_context& ctx) { return fn(ctx, api); }; };
  r.add(http_method::post, "/api/v1/auth/signup", bind(signup));
  r.add(http_method::post, "/api/v1/auth/login", bind(login));
  r.add(http_method::post, "/api/v1/auth/refresh", bind(refresh));
  r.add(http_method::post, "/api/v1/auth/logout", bind(logout));
  r.add(http_method::get, "/api/v1/auth/me", bind(me));
  r.add(http_method::post, "/api/v1/auth/password", bind(change_password));
  r.add(http_method::post, "/api/v1/auth/mfa/enroll", bind(mfa_enroll));
  r.add(http_method::post, "/api/v1/auth/mfa/confirm", bind(mfa_confirm));
  r.add(http_method::post, "/api/v1/auth/mfa/disable", bind(mfa_disable));
}

}  // namespace brokle::api
