// A user's rights over their own data (GDPR): export everything Brokle holds about them, and
// delete the account. Deletion refuses while the user is the only owner of an organization
// (its data would be orphaned): they transfer ownership or delete the organization first.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "identity/audit_trail.hpp"
#include "identity/password_hasher.hpp"
#include "storage/audit_store.hpp"
#include "storage/organization_store.hpp"
#include "storage/user_store.hpp"

namespace brokle::identity {

class account_service {
 public:
  account_service(storage::user_store& users, storage::organization_store& orgs, storage::audit_store& audit_reads,
                  audit_trail& audit, const password_hasher& passwords, const clock_source& clock)
      : users_(users), orgs_(orgs), audit_reads_(audit_reads), audit_(audit), passwords_(passwords), clock_(clock) {}

  result<boost::json::object> export_data(const audit_actor& actor);
  status delete_account(const audit_actor& actor, const std::string& password);
  status update_name(const audit_actor& actor, const std::string& name);

 private:
  storage::user_store& users_;
  storage::organization_store& orgs_;
  storage::audit_store& audit_reads_;
  audit_trail& audit_;
  const password_hasher& passwords_;
  const clock_source& clock_;
};

}  // namespace brokle::identity
