#include "identity/organization_service.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/ulid.hpp"
#include "identity/opaque_token.hpp"

namespace brokle::identity {

namespace {
constexpr int64_t kInvitationTtlMs = 7LL * 24 * 3600 * 1000;

std::string details(std::initializer_list<std::pair<std::string_view, std::string_view>> kv) {
  boost::json::object o;
  for (auto& [k, v] : kv) o[k] = v;
  return boost::json::serialize(o);
}
}  // namespace

result<storage::organization_record> organization_service::create(const audit_actor& actor, std::string name) {
  storage::organization_record org{new_ulid(), std::move(name), actor.user_id, clock_.now_ms()};
  if (auto st = orgs_.create(org, actor.user_id); !st) return st.err();
  audit_.record(actor, org.id, "organization.create", "organization", org.id, "success", details({{"name", org.name}}));
  return org;
}

result<std::vector<storage::membership_record>> organization_service::list_mine(std::string_view user_id) {
  return orgs_.memberships_of_user(user_id);
}

result<storage::organization_record> organization_service::get(std::string_view user_id, std::string_view org_id) {
  auto scope = policy_.authorize_org(user_id, org_id, permission::org_read);
  if (!scope) return scope.err();
  return orgs_.get(*scope);
}

status organization_service::rename(const audit_actor& actor, std::string_view org_id, std::string name) {
  auto scope = policy_.authorize_org(actor.user_id, org_id, permission::org_update);
  if (!scope) return scope.err();
  if (auto st = orgs_.rename(*scope, name, clock_.now_ms()); !st) return st;
  audit_.record(actor, std::string(org_id), "organization.update", "organization", std::string(org_id), "success",
                details({{"name", name}}));
  return ok_v;
}

status organization_service::remove(const audit_actor& actor, std::string_view org_id) {
  auto scope = policy_.authorize_org(actor.user_id, org_id, permission::org_delete);
  if (!scope) return scope.err();
  // Recorded first: the organization's own rows go with it, the audit log keeps this line.
  audit_.record(actor, std::string(org_id), "organization.delete", "organization", std::string(org_id));
  return orgs_.remove(*scope);
}

result<std::vector<storage::membership_record>> organization_service::members(std::string_view user_id,
                                                                               std::string_view org_id) {
  auto scope = policy_.authorize_org(user_id, org_id, permission::members_read);
  if (!scope) return scope.err();
  return orgs_.members(*scope);
}

result<storage::membership_record> organization_service::add_member(const audit_actor& actor, std::string_view org_id,
                                                                     std::string_view email, org_role role) {
  auto scope = policy_.authorize_org(actor.user_id, org_id, permission::members_manage);
  if (!scope) return scope.err();
  if (role == org_role::owner && scope->role() != org_role::owner)
    return make_error(errc::permission_denied, "only owners can make someone an owner");
  auto user = users_.find_by_email(email);
  if (!user) return user.err();
  if (!*user) return make_error(errc::not_found, "no user with that email; send an invitation instead");
  if (auto st = orgs_.add_member(*scope, (*user)->id, role_name(role), clock_.now_ms()); !st) return st.err();
  audit_.record(actor, std::string(org_id), "member.add", "user", (*user)->id, "success",
                details({{"role", role_name(role)}}));
  auto m = orgs_.membership(org_id, (*user)->id);
  if (!m) return m.err();
  if (!*m) return make_error(errc::internal, "membership vanished after insert");
  return **m;
}

status organization_service::keep_an_owner(const org_scope& scope, std::string_view member_id,
                                           const storage::membership_record& m) {
  (void)member_id;
  if (m.role != "owner") return ok_v;
  auto owners = orgs_.count_owners(scope);
  if (!owners) return owners.err();
  if (*owners <= 1) return make_error(errc::conflict, "an organization must keep at least one owner");
  return ok_v;
}

status organization_service::change_role(const audit_actor& actor, std::string_view org_id, std::string_view member_id,
                                         org_role role) {
  auto scope = policy_.authorize_org(actor.user_id, org_id, permission::members_manage);
  if (!scope) return scope.err();
  auto m = orgs_.membership(org_id, member_id);
  if (!m) return m.err();
  if (!*m) return make_error(errc::not_found, "member not found");
  bool touches_owner = role == org_role::owner || (*m)->role == "owner";
  if (touches_owner && scope->role() != org_role::owner)
    return make_error(errc::permission_denied, "only owners can grant or remove ownership");
  if (role != org_role::owner)
    if (auto st = keep_an_owner(*scope, member_id, **m); !st) return st;
  if (auto st = orgs_.set_role(*scope, member_id, role_name(role)); !st) return st;
  audit_.record(actor, std::string(org_id), "member.role_change", "user", std::string(member_id), "success",
                details({{"from", (*m)->role}, {"to", role_name(role)}}));
  return ok_v;
}

status organization_service::remove_member(const audit_actor& actor, std::string_view org_id,
                                           std::string_view member_id) {
  bool leaving = actor.user_id == member_id;
  auto scope = policy_.authorize_org(actor.user_id, org_id, leaving ? permission::org_read : permission::members_manage);
  if (!scope) return scope.err();
  auto m = orgs_.membership(org_id, member_id);
  if (!m) return m.err();
  if (!*m) return make_error(errc::not_found, "member not found");
  if (!leaving && (*m)->role == "owner" && scope->role() != org_role::owner)
    return make_error(errc::permission_denied, "only owners can remove an owner");
  if (auto st = keep_an_owner(*scope, member_id, **m); !st) return st;
  if (auto st = orgs_.remove_member(*scope, member_id); !st) return st;
  audit_.record(actor, std::string(org_id), leaving ? "member.leave" : "member.remove", "user", std::string(member_id));
  return ok_v;
}

result<created_invitation> organization_service::invite(const audit_actor& actor, std::string_view org_id,
                                                        std::string email, org_role role) {
  auto scope = policy_.authorize_org(actor.user_id, org_id, permission::members_manage);
  if (!scope) return scope.err();
  if (role == org_role::owner) return make_error(errc::invalid_argument, "invite as admin, then transfer ownership");
  created_invitation out;
  out.token = new_opaque_token();
  auto now = clock_.now_ms();
  out.invitation = {new_ulid(), std::string(org_id), std::move(email), std::string(role_name(role)),
                    hash_opaque_token(out.token), actor.user_id, now, now + kInvitationTtlMs, {}, {}};
  if (auto st = orgs_.create_invitation(*scope, out.invitation); !st) return st.err();
  audit_.record(actor, std::string(org_id), "invitation.create", "invitation", out.invitation.id, "success",
                details({{"email", out.invitation.email}, {"role", out.invitation.role}}));
  return out;
}

result<std::vector<storage::invitation_record>> organization_service::invitations(std::string_view user_id,
                                                                                  std::string_view org_id) {
  auto scope = policy_.authorize_org(user_id, org_id, permission::members_manage);
  if (!scope) return scope.err();
  return orgs_.invitations(*scope);
}

status organization_service::revoke_invitation(const audit_actor& actor, std::string_view org_id,
                                               std::string_view invitation_id) {
  auto scope = policy_.authorize_org(actor.user_id, org_id, permission::members_manage);
  if (!scope) return scope.err();
  if (auto st = orgs_.revoke_invitation(*scope, invitation_id, clock_.now_ms()); !st) return st;
  audit_.record(actor, std::string(org_id), "invitation.revoke", "invitation", std::string(invitation_id));
  return ok_v;
}

result<storage::membership_record> organization_service::accept_invitation(const audit_actor& actor,
                                                                            std::string_view token) {
  if (!looks_like_opaque_token(token)) return make_error(errc::not_found, "invitation not found or expired");
  auto user = users_.find_by_id(actor.user_id);
  if (!user) return user.err();
  if (!*user) return make_error(errc::unauthenticated, "user no longer exists");
  auto m = orgs_.accept_invitation(hash_opaque_token(token), actor.user_id, (*user)->email, clock_.now_ms());
  if (!m) return m.err();
  audit_.record(actor, m->org_id, "invitation.accept", "user", actor.user_id, "success", details({{"role", m->role}}));
  return m;
}

}  // namespace brokle::identity
