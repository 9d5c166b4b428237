// /api/v1/organizations/*, invitations, /api/v1/rbac/*, /api/v1/audit-logs.
#include "api/identity_routes.hpp"
#include "api/json_views.hpp"
#include "core/tenant_scope.hpp"
#include "core/ulid.hpp"

namespace brokle::api {

namespace asio = boost::asio;
using net::http_method;
using net::http_response;
using net::request_context;

namespace {

org_role required_role(const boost::json::object& body) {
  auto r = identity::parse_role(required_string(body, "role", 16));
  if (!r) fail(400, "invalid_field", "field 'role' must be one of owner, admin, developer, viewer");
  return *r;
}

asio::awaitable<http_response> list_orgs(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto& orgs = api.orgs;
  auto mine = co_await call_blocking(api.http.blocking, [&] { return orgs.list_mine(who.user_id); });
  boost::json::array out;
  for (const auto& m : mine)
    out.push_back(boost::json::object{{"id", m.org_id}, {"name", m.org_name}, {"role", m.role},
                                      {"joined_at", iso_time(m.created_at)}});
  co_return json_ok(boost::json::object{{"data", std::move(out)}});
}

asio::awaitable<http_response> create_org(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto body = parse_json_object(ctx.request);
  auto name = required_string(body, "name", 120);
  auto actor = actor_of(who, ctx);
  auto& orgs = api.orgs;
  auto org = co_await call_blocking(api.http.blocking, [&] { return orgs.create(actor, name); });
  co_return json_ok(organization_view(org, "owner"), 201);
}

asio::awaitable<http_response> get_org(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto org_id = ulid_param(ctx, "org_id", "organization");
  auto& orgs = api.orgs;
  auto org = co_await call_blocking(api.http.blocking, [&] { return orgs.get(who.user_id, org_id); });
  co_return json_ok(organization_view(org));
}

asio::awaitable<http_response> update_org(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto org_id = ulid_param(ctx, "org_id", "organization");
  auto body = parse_json_object(ctx.request);
  auto name = required_string(body, "name", 120);
  auto actor = actor_of(who, ctx);
  auto& orgs = api.orgs;
  co_await call_blocking(api.http.blocking, [&] { return orgs.rename(actor, org_id, name); });
  auto org = co_await call_blocking(api.http.blocking, [&] { return orgs.get(who.user_id, org_id); });
  co_return json_ok(organization_view(org));
}

asio::awaitable<http_response> delete_org(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto org_id = ulid_param(ctx, "org_id", "organization");
  auto actor = actor_of(who, ctx);
  auto& orgs = api.orgs;
  co_await call_blocking(api.http.blocking, [&] { return orgs.remove(actor, org_id); });
  co_return json_ok(boost::json::object{{"deleted", true}, {"id", org_id}});
}

asio::awaitable<http_response> list_members(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto org_id = ulid_param(ctx, "org_id", "organization");
  auto& orgs = api.orgs;
  auto members = co_await call_blocking(api.http.blocking, [&] { return orgs.members(who.user_id, org_id); });
  boost::json::array out;
  for (const auto& m : members) out.push_back(membership_view(m));
  co_return json_ok(boost::json::object{{"data", std::move(out)}});
}

asio::awaitable<http_response> add_member(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto org_id = ulid_param(ctx, "org_id", "organization");
  auto body = parse_json_object(ctx.request);
  auto email = required_email(body);
  auto role = required_role(body);
  auto actor = actor_of(who, ctx);
  auto& orgs = api.orgs;
  auto m = co_await call_blocking(api.http.blocking, [&] { return orgs.add_member(actor, org_id, email, role); });
  co_return json_ok(membership_view(m), 201);
}

asio::awaitable<http_response> change_member(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto org_id = ulid_param(ctx, "org_id", "organization");
  auto user_id = ulid_param(ctx, "user_id", "member");
  auto body = parse_json_object(ctx.request);
  auto role = required_role(body);
  auto actor = actor_of(who, ctx);
  auto& orgs = api.orgs;
  co_await call_blocking(api.http.blocking, [&] { return orgs.change_role(actor, org_id, user_id, role); });
  co_return json_ok(boost::json::object{{"user_id", user_id}, {"role", identity::role_name(role)}});
}

asio::awaitable<http_response> remove_member(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto org_id = ulid_param(ctx, "org_id", "organization");
  auto user_id = ulid_param(ctx, "user_id", "member");
  auto actor = actor_of(who, ctx);
  auto& orgs = api.orgs;
  co_await call_blocking(api.http.blocking, [&] { return orgs.remove_member(actor, org_id, user_id); });
  co_return json_ok(boost::json::object{{"removed", true}, {"user_id", user_id}});
}

asio::awaitable<http_response> list_invitations(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto org_id = ulid_param(ctx, "org_id", "organization");
  auto& orgs = api.orgs;
  auto list = co_await call_blocking(api.http.blocking, [&] { return orgs.invitations(who.user_id, org_id); });
  boost::json::array out;
  for (const auto& i : list) out.push_back(invitation_view(i));
  co_return json_ok(boost::json::object{{"data", std::move(out)}});
}

asio::awaitable<http_response> create_invitation(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto org_id = ulid_param(ctx, "org_id", "organization");
  auto body = parse_json_object(ctx.request);
  auto email = required_email(body);
  auto role = required_role(body);
  auto actor = actor_of(who, ctx);
  auto& orgs = api.orgs;
  auto inv = co_await call_blocking(api.http.blocking, [&] { return orgs.invite(actor, org_id, email, role); });
  auto view = invitation_view(inv.invitation);
  view["token"] = inv.token;  // shown once: the invitee accepts with it
  co_return json_ok(view, 201);
}

asio::awaitable<http_response> revoke_invitation(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto org_id = ulid_param(ctx, "org_id", "organization");
  auto inv_id = ulid_param(ctx, "invitation_id", "invitation");
  auto actor = actor_of(who, ctx);
  auto& orgs = api.orgs;
  co_await call_blocking(api.http.blocking, [&] { return orgs.revoke_invitation(actor, org_id, inv_id); });
  co_return json_ok(boost::json::object{{"revoked", true}, {"id", inv_id}});
}

asio::awaitable<http_response> accept_invitation(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto body = parse_json_object(ctx.request);
  auto token = required_string(body, "token", 128);
  auto actor = actor_of(who, ctx);
  auto& orgs = api.orgs;
  auto m = co_await call_blocking(api.http.blocking, [&] { return orgs.accept_invitation(actor, token); });
  co_return json_ok(membership_view(m));
}

asio::awaitable<http_response> rbac_roles(request_context& ctx, identity_api& api) {
  (void)co_await require_user(ctx, api.http);
  static const identity::permission all[] = {
      identity::permission::org_read,       identity::permission::org_update,      identity::permission::org_delete,
      identity::permission::members_read,   identity::permission::members_manage,  identity::permission::projects_read,
      identity::permission::projects_write, identity::permission::projects_delete, identity::permission::keys_read,
      identity::permission::keys_manage,    identity::permission::audit_read,      identity::permission::telemetry_read};
  boost::json::array roles;
  for (auto role : {org_role::owner, org_role::admin, org_role::developer, org_role::viewer}) {
    boost::json::array perms;
    for (auto p : all)
      if (identity::role_allows(role, p)) perms.push_back(boost::json::value(identity::permission_name(p)));
    roles.push_back(boost::json::object{{"role", identity::role_name(role)}, {"permissions", std::move(perms)}});
  }
  co_return json_ok(boost::json::object{{"data", std::move(roles)}});
}

asio::awaitable<http_response> rbac_mine(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  auto org_id = ulid_param(ctx, "org_id", "organization");
  auto& policy = api.policy;
  auto scope =
      co_await call_blocking(api.http.blocking, [&] { return policy.authorize_org(who.user_id, org_id, identity::permission::org_read); });
  boost::json::array perms;
  for (int i = 0; i <= static_cast<int>(identity::permission::telemetry_read); ++i) {
    auto p = static_cast<identity::permission>(i);
    if (identity::role_allows(scope.role(), p)) perms.push_back(boost::json::value(identity::permission_name(p)));
  }
  co_return json_ok(boost::json::object{
      {"organization_id", org_id}, {"role", identity::role_name(scope.role())}, {"permissions", std::move(perms)}});
}

asio::awaitable<http_response> audit_logs(request_context& ctx, identity_api& api) {
  auto who = co_await require_user(ctx, api.http);
  std::string org_id;
  if (!ctx.request.query_param("organization_id", org_id) || org_id.empty())
    fail(400, "missing_parameter", "query parameter 'organization_id' is required");
  require_ulid(org_id, "organization");
  storage::audit_query q;
  std::string v;
  auto int_param = [&](const char* name, int64_t min, int64_t max) -> std::optional<int64_t> {
    if (!ctx.request.query_param(name, v) || v.empty()) return std::nullopt;
    try {
      size_t used = 0;
      int64_t n = std::stoll(v, &used);
      if (used == v.size() && n >= min && n <= max) return n;
    } catch (...) {
    }
    fail(400, "invalid_parameter", std::string("query parameter '") + name + "' must be an integer in range");
  };
  if (auto n = int_param("limit", 1, 1000)) q.limit = static_cast<int>(*n);
  if (auto n = int_param("since", 0, INT64_MAX)) q.since = *n;
  if (auto n = int_param("until", 0, INT64_MAX)) q.until = *n;
  if (ctx.request.query_param("action", v)) q.action_prefix = v.substr(0, 64);
  if (ctx.request.query_param("cursor", v) && !v.empty()) {
    if (!is_valid_ulid(v)) fail(400, "invalid_parameter", "query parameter 'cursor' is not a valid cursor");
    q.before_id = v;
  }
  auto& policy = api.policy;
  auto& reads = api.audit_reads;
  auto events = co_await call_blocking(api.http.blocking, [&]() -> result<std::vector<storage::audit_event>> {
    auto scope = policy.authorize_org(who.user_id, org_id, identity::permission::audit_read);
    if (!scope) return scope.err();
    return reads.list(*scope, q);
  });
  boost::json::array out;
  for (const auto& e : events) out.push_back(audit_view(e));
  boost::json::object res{{"data", std::move(out)}};
  res["next_cursor"] = events.size() == static_cast<size_t>(q.limit) ? boost::json::value(events.back().id) : nullptr;
  co_return json_ok(res);
}

}  // namespace

void add_organization_routes(net::router& r, identity_api& api) {
  auto bind = [&api](auto fn) { return [&api, fn](request_context& ctx) { return fn(ctx, api); }; };
  r.add(http_method::get, "/api/v1/organizations", bind(list_orgs));
  r.add(http_method::post, "/api/v1/organizations", bind(create_org));
  r.add(http_method::get, "/api/v1/organizations/{org_id}", bind(get_org));
  r.add(http_method::patch, "/api/v1/organizations/{org_id}", bind(update_org));
  r.add(http_method::del, "/api/v1/organizations/{org_id}", bind(delete_org));
  r.add(http_method::get, "/api/v1/organizations/{org_id}/members", bind(list_members));
  r.add(http_method::post, "/api/v1/organizations/{org_id}/members", bind(add_member));
  r.add(http_method::patch, "/api/v1/organizations/{org_id}/members/{user_id}", bind(change_member));
  r.add(http_method::del, "/api/v1/organizations/{org_id}/members/{user_id}", bind(remove_member));
  r.add(http_method::get, "/api/v1/organizations/{org_id}/invitations", bind(list_invitations));
  r.add(http_method::post, "/api/v1/organizations/{org_id}/invitations", bind(create_invitation));
  r.add(http_method::del, "/api/v1/organizations/{org_id}/invitations/{invitation_id}", bind(revoke_invitation));
  r.add(http_method::post, "/api/v1/invitations/accept", bind(accept_invitation));
  r.add(http_method::get, "/api/v1/rbac/roles", bind(rbac_roles));
  r.add(http_method::get, "/api/v1/rbac/organizations/{org_id}/me", bind(rbac_mine));
  r.add(http_method::get, "/api/v1/audit-logs", bind(audit_logs));
}

}  // namespace brokle::api
