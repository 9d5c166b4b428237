// Organizations, their members and invitations. Reads and writes of an organization's data take an
// org_scope (proof of membership); only creating an organization and listing a user's own
// memberships start from the user id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/tenant_scope.hpp"

namespace brokle::storage {

struct organization_record {
  std::string id;
  std::string name;
  std::string created_by;
  int64_t created_at = 0;
};

struct membership_record {
  std::string org_id;
  std::string org_name;
  std::string user_id;
  std::string email;
  std::string name;
  std::string role;  // owner|admin|developer|viewer
  int64_t created_at = 0;
};

struct invitation_record {
  std::string id;
  std::string org_id;
  std::string email;
  std::string role;
  std::string token_hash;
  std::string invited_by;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> accepted_at;
  std::optional<int64_t> revoked_at;
};

class organization_store {
 public:
  virtual ~organization_store() = default;
  // Creates the organization with `owner_id` as its owner, atomically.
  virtual status create(const organization_record& org, std::string_view owner_id) = 0;
  virtual result<std::vector<membership_record>> memberships_of_user(std::string_view user_id) = 0;
  virtual result<std::optional<membership_record>> membership(std::string_view org_id, std::string_view user_id) = 0;

  virtual result<organization_record> get(const org_scope& s) = 0;
  virtual status rename(const org_scope& s, std::string_view name, int64_t now) = 0;
  virtual status remove(const org_scope& s) = 0;
  virtual result<std::vector<membership_record>> members(const org_scope& s) = 0;
  virtual status add_member(const org_scope& s, std::string_view user_id, std::string_view role, int64_t now) = 0;
  // errc::not_found when the user is not a member of this organization.
  virtual status set_role(const org_scope& s, std::string_view user_id, std::string_view role) = 0;
  virtual status remove_member(const org_scope& s, std::string_view user_id) = 0;
  virtual result<int64_t> count_owners(const org_scope& s) = 0;

  virtual status create_invitation(const org_scope& s, const invitation_record& inv) = 0;
  virtual result<std::vector<invitation_record>> invitations(const org_scope& s) = 0;
  virtual status revoke_invitation(const org_scope& s, std::string_view invitation_id, int64_t now) = 0;
  // Accepting is by token (the invitee is not a member yet): marks it accepted and adds the
  // membership atomically; not_found for unknown/expired/used tokens or another email.
  virtual result<membership_record> accept_invitation(std::string_view token_hash, std::string_view user_id,
                                                      std::string_view user_email, int64_t now) = 0;
};

}  // namespace brokle::storage
