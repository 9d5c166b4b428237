// Organizations, members, roles and invitations, with the rules a permission matrix cannot say
// alone: only owners grant or take away ownership, an organization always keeps one owner, and
// a member may always leave. Blocking (store calls): run on the blocking pool.
#pragma once

#include <string>
#include <vector>

#include "core/clock.hpp"
#include "identity/access_policy.hpp"
#include "identity/audit_trail.hpp"
#include "storage/organization_store.hpp"
#include "storage/user_store.hpp"

namespace brokle::identity {

struct created_invitation {
  storage::invitation_record invitation;
  std::string token;  // shown once
};

class organization_service {
 public:
  organization_service(storage::organization_store& orgs, storage::user_store& users, access_policy& policy,
                       audit_trail& audit, const clock_source& clock)
      : orgs_(orgs), users_(users), policy_(policy), audit_(audit), clock_(clock) {}

  result<storage::organization_record> create(const audit_actor& actor, std::string name);
  result<std::vector<storage::membership_record>> list_mine(std::string_view user_id);
  result<storage::organization_record> get(std::string_view user_id, std::string_view org_id);
  status rename(const audit_actor& actor, std::string_view org_id, std::string name);
  status remove(const audit_actor& actor, std::string_view org_id);

  result<std::vector<storage::membership_record>> members(std::string_view user_id, std::string_view org_id);
  // Adds an existing user by email (not_found when no such user: invite them instead).
  result<storage::membership_record> add_member(const audit_actor& actor, std::string_view org_id,
                                                std::string_view email, org_role role);
  status change_role(const audit_actor& actor, std::string_view org_id, std::string_view member_id, org_role role);
  status remove_member(const audit_actor& actor, std::string_view org_id, std::string_view member_id);

  result<created_invitation> invite(const audit_actor& actor, std::string_view org_id, std::string email,
                                    org_role role);
  result<std::vector<storage::invitation_record>> invitations(std::string_view user_id, std::string_view org_id);
  status revoke_invitation(const audit_actor& actor, std::string_view org_id, std::string_view invitation_id);
  result<storage::membership_record> accept_invitation(const audit_actor& actor, std::string_view token);

 private:
  status keep_an_owner(const org_scope& scope, std::string_view member_id, const storage::membership_record& m);

  storage::organization_store& orgs_;
  storage::user_store& users_;
  access_policy& policy_;
  audit_trail& audit_;
  const clock_source& clock_;
};

}  // namespace brokle::identity
