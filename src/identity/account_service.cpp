#include "identity/account_service.hpp"

#include <boost/json/array.hpp>

#include "identity/access_policy.hpp"

namespace brokle::identity {

result<boost::json::object> account_service::export_data(const audit_actor& actor) {
  auto u = users_.find_by_id(actor.user_id);
  if (!u) return u.err();
  if (!*u) return make_error(errc::unauthenticated, "user no longer exists");
  auto memberships = orgs_.memberships_of_user(actor.user_id);
  if (!memberships) return memberships.err();
  auto events = audit_reads_.list_for_actor(actor.user_id, 10000);
  if (!events) return events.err();
  const auto& user = **u;
  boost::json::object out;
  out["format"] = "brokle.user-export.v1";
  out["exported_at"] = clock_.now_ms();
  out["user"] = {{"id", user.id},
                 {"email", user.email},
                 {"name", user.name},
                 {"is_admin", user.is_admin},
                 {"mfa_enabled", user.mfa_enabled},
                 {"created_at_ms", user.created_at}};
  boost::json::array orgs;
  for (const auto& m : *memberships)
    orgs.push_back({{"organization_id", m.org_id}, {"organization_name", m.org_name}, {"role", m.role},
                    {"joined_at_ms", m.created_at}});
  out["memberships"] = std::move(orgs);
  boost::json::array activity;
  for (const auto& e : *events)
    activity.push_back({{"action", e.action}, {"organization_id", e.org_id}, {"target_type", e.target_type},
                        {"target_id", e.target_id}, {"outcome", e.outcome}, {"ip", e.actor_ip},
                        {"at_ms", e.created_at}});
  out["activity"] = std::move(activity);
  audit_.record(actor, "", "user.export", "user", actor.user_id);
  return out;
}

status account_service::delete_account(const audit_actor& actor, const std::string& password) {
  auto u = users_.find_by_id(actor.user_id);
  if (!u) return u.err();
  if (!*u) return make_error(errc::unauthenticated, "user no longer exists");
  if (!passwords_.verify((*u)->password_hash, password)) return make_error(errc::unauthenticated, "password is wrong");
  auto memberships = orgs_.memberships_of_user(actor.user_id);
  if (!memberships) return memberships.err();
  std::string blocking;
  for (const auto& m : *memberships) {
    if (m.role != "owner") continue;
    auto scope = access_policy::operator_scope(m.org_id);
    auto owners = orgs_.count_owners(scope);
    if (!owners) return owners.err();
    if (*owners <= 1) blocking += (blocking.empty() ? "" : ", ") + m.org_name;
  }
  if (!blocking.empty())
    return make_error(errc::conflict,
                      "you are the only owner of: " + blocking + "; transfer ownership or delete them first");
  audit_.record(actor, "", "user.delete", "user", actor.user_id);
  return users_.delete_user(actor.user_id);
}

status account_service::update_name(const audit_actor& actor, const std::string& name) {
  if (auto st = users_.update_profile(actor.user_id, name, clock_.now_ms()); !st) return st;
  audit_.record(actor, "", "user.update", "user", actor.user_id);
  return ok_v;
}

}  // namespace brokle::identity
