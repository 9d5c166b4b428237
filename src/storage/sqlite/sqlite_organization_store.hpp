// organization_store on the embedded SQLite database: organizations, memberships and invitations.
// Every scoped statement filters on the scope's organization id, so a scope for one organization
// can neither read nor change another's rows.
#pragma once

#include <memory>

#include "storage/organization_store.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace brokle::storage::sqlite {

class sqlite_organization_store final : public organization_store {
 public:
  explicit sqlite_organization_store(std::shared_ptr<database> db) : db_(std::move(db)) {}

  // not_found when the owner is not a user; conflict when the id is taken.
  status create(const organization_record& org, std::string_view owner_id) override;
  result<std::vector<membership_record>> memberships_of_user(std::string_view user_id) override;
  result<std::optional<membership_record>> membership(std::string_view org_id, std::string_view user_id) override;

  result<organization_record> get(const org_scope& s) override;
  status rename(const org_scope& s, std::string_view name, int64_t now) override;
  // Members, invitations, projects and their keys go with it (ON DELETE CASCADE in the schema).
  status remove(const org_scope& s) override;
  result<std::vector<membership_record>> members(const org_scope& s) override;
  // invalid_argument for an unknown role; not_found for an unknown user; conflict when already a member.
  status add_member(const org_scope& s, std::string_view user_id, std::string_view role, int64_t now) override;
  status set_role(const org_scope& s, std::string_view user_id, std::string_view role) override;
  status remove_member(const org_scope& s, std::string_view user_id) override;
  result<int64_t> count_owners(const org_scope& s) override;

  // The invitation's org_id is taken from the scope (a different non-empty one is invalid_argument);
  // its role may not be owner.
  status create_invitation(const org_scope& s, const invitation_record& inv) override;
  // Every invitation of the organization, pending or not, newest first.
  result<std::vector<invitation_record>> invitations(const org_scope& s) override;
  // not_found unless a pending (neither accepted nor revoked) invitation with that id is in scope.
  status revoke_invitation(const org_scope& s, std::string_view invitation_id, int64_t now) override;
  // conflict when the user is already a member (nothing is marked accepted then).
  result<membership_record> accept_invitation(std::string_view token_hash, std::string_view user_id,
                                              std::string_view user_email, int64_t now) override;

 private:
  std::shared_ptr<database> db_;
};

}  // namespace brokle::storage::sqlite
