// /api/v1/projects/* (projects and their API keys) and /api/v1/onboarding/*.
#include "api/identity_routes.hpp"
#include "api/json_views.hpp"
#include "core/ulid.hpp"

namespace brokle::api {

namespace asio = boost::asio;
using net::http_method;
using net::http_response;
using net::request_context;

namespace {

asio::awaitable<http_response> list_projects(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  std::string org_id;
  bool filtered = ctx.request.query_param("organization_id", org_id) && !org_id.empty();
  if (filtered) require_ulid(org_id, "organization");
  auto& projects = api.projects;
  auto& org_store = api.org_store;
  auto list = co_await call_blocking(api.http.blocking, [&] {
    return filtered ? projects.list(who.user_id, org_id) : projects.list_all(who.user_id, org_store);
  });
  boost::json::array out;
  for (const auto& p : list) out.push_back(project_view(p));
  co_return json_ok(boost::json::object{{"data", std::move(out)}});
}

asio::awaitable<http_response> create_project(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto body = parse_json_object(ctx.request);
  auto org_id = required_string(body, "organization_id", 26);
  require_ulid(org_id, "organization");
  auto name = required_string(body, "name", 120);
  auto description = optional_string(body, "description", 2000).value_or("");
  auto actor = actor_of(who, ctx);
  auto& projects = api.projects;
  auto p = co_await call_blocking(api.http.blocking, [&] { return projects.create(actor, org_id, name, description); });
  co_return json_ok(project_view(p), 201);
}

asio::awaitable<http_response> get_project(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto id = ulid_param(ctx, "project_id", "project");
  auto& projects = api.projects;
  auto p = co_await call_blocking(api.http.blocking, [&] { return projects.get(who.user_id, id); });
  co_return json_ok(project_view(p));
}

asio::awaitable<http_response> update_project(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto id = ulid_param(ctx, "project_id", "project");
  auto body = parse_json_object(ctx.request);
  storage::project_update u;
  u.name = optional_string(body, "name", 120);
  if (u.name && u.name->find_first_not_of(' ') == std::string::npos) fail(400, "invalid_field", "field 'name' must not be empty");
  u.description = optional_string(body, "description", 2000);
  u.rpm_limit = optional_int(body, "rpm_limit", 0, 10'000'000);
  u.tpm_limit = optional_int(body, "tpm_limit", 0, 10'000'000'000);
  u.retention_days = optional_int(body, "retention_days", 0, 36500);
  auto actor = actor_of(who, ctx);
  auto& projects = api.projects;
  auto p = co_await call_blocking(api.http.blocking, [&] { return projects.update(actor, id, u); });
  co_return json_ok(project_view(p));
}

asio::awaitable<http_response> delete_project(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto id = ulid_param(ctx, "project_id", "project");
  auto actor = actor_of(who, ctx);
  auto& projects = api.projects;
  co_await call_blocking(api.http.blocking, [&] { return projects.remove(actor, id); });
  co_return json_ok(boost::json::object{{"deleted", true}, {"id", id}});
}

asio::awaitable<http_response> list_keys(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto id = ulid_param(ctx, "project_id", "project");
  auto& projects = api.projects;
  auto keys = co_await call_blocking(api.http.blocking, [&] { return projects.list_keys(who.user_id, id); });
  boost::json::array out;
  for (const auto& k : keys) out.push_back(api_key_view(k));
  co_return json_ok(boost::json::object{{"data", std::move(out)}});
}

asio::awaitable<http_response> create_key(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto id = ulid_param(ctx, "project_id", "project");
  auto body = parse_json_object(ctx.request);
  identity::new_key_request req;
  req.name = optional_string(body, "name", 120).value_or("default");
  req.rpm_limit = optional_int(body, "rpm_limit", 0, 10'000'000).value_or(0);
  req.tpm_limit = optional_int(body, "tpm_limit", 0, 10'000'000'000).value_or(0);
  req.expires_at = optional_int(body, "expires_at_ms", 0, INT64_MAX).value_or(0);
  auto actor = actor_of(who, ctx);
  auto& projects = api.projects;
  auto key = co_await call_blocking(api.http.blocking, [&] { return projects.create_key(actor, id, req); });
  auto view = api_key_view(key.record);
  view["key"] = key.full_key;  // the only time the full key is ever shown
  co_return json_ok(view, 201);
}

asio::awaitable<http_response> revoke_key(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto id = ulid_param(ctx, "project_id", "project");
  auto key_id = ulid_param(ctx, "key_id", "API key");
  auto actor = actor_of(who, ctx);
  auto& projects = api.projects;
  co_await call_blocking(api.http.blocking, [&] { return projects.revoke_key(actor, id, key_id); });
  co_return json_ok(boost::json::object{{"revoked", true}, {"id", key_id}});
}

asio::awaitable<http_response> onboarding_status(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto& projects = api.projects;
  auto& org_store = api.org_store;
  auto& orgs = api.orgs;
  auto mine = co_await call_blocking(api.http.blocking, [&] { return orgs.list_mine(who.user_id); });
  auto list = co_await call_blocking(api.http.blocking, [&] { return projects.list_all(who.user_id, org_store); });
  boost::json::object out{{"has_organization", !mine.empty()}, {"has_project", !list.empty()}};
  out["completed"] = !mine.empty() && !list.empty();
  co_return json_ok(out);
}

// One call from an empty account to a working SDK key: organization, project, first key.
asio::awaitable<http_response> onboarding_complete(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto body = parse_json_object(ctx.request);
  auto org_name = required_string(body, "organization_name", 120);
  auto project_name = optional_string(body, "project_name", 120).value_or("Default");
  auto actor = actor_of(who, ctx);
  auto& orgs = api.orgs;
  auto& projects = api.projects;
  auto org = co_await call_blocking(api.http.blocking, [&] { return orgs.create(actor, org_name); });
  auto p = co_await call_blocking(api.http.blocking, [&] { return projects.create(actor, org.id, project_name, ""); });
  identity::new_key_request req;
  req.name = "default";
  auto key = co_await call_blocking(api.http.blocking, [&] { return projects.create_key(actor, p.id, req); });
  auto key_view = api_key_view(key.record);
  key_view["key"] = key.full_key;
  co_return json_ok(boost::json::object{{"organization", organization_view(org, "owner")},
                                        {"project", project_view(p)},
                                        {"api_key", std::move(key_view)}},
                    201);
}

}  // namespace

void add_project_routes(net::router& r, identity_api& api) {
  auto bind = [&api](auto fn) { return [&api, fn](request_context& ctx) { return fn(ctx, api); }; };
  r.add(http_method::get, "/api/v1/projects", bind(list_projects));
  r.add(http_method::post, "/api/v1/projects", bind(create_project));
  r.add(http_method::get, "/api/v1/projects/{project_id}", bind(get_project));
  r.add(http_method::patch, "/api/v1/projects/{project_id}", bind(update_project));
  r.add(http_method::del, "/api/v1/projects/{project_id}", bind(delete_project));
  r.add(http_method::get, "/api/v1/projects/{project_id}/keys", bind(list_keys));
  r.add(http_method::post, "/api/v1/projects/{project_id}/keys", bind(create_key));
  r.add(http_method::del, "/api/v1/projects/{project_id}/keys/{key_id}", bind(revoke_key));
  r.add(http_method::get, "/api/v1/onboarding/status", bind(onboarding_status));
  r.add(http_method::post, "/api/v1/onboarding/complete", bind(onboarding_complete));
}

}  // namespace brokle::api
