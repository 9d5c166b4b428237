// JSON shapes of identity objects as the API returns them. Secrets never appear: no password
// hashes, no key hashes, no TOTP secrets.
#pragma once

#include <boost/json/object.hpp>

#include "identity/auth_service.hpp"
#include "storage/audit_store.hpp"
#include "storage/organization_store.hpp"
#include "storage/project_store.hpp"
#include "storage/user_store.hpp"

namespace brokle::api {

std::string iso_time(int64_t unix_ms);
boost::json::object user_view(const storage::user_record& u);
boost::json::object tokens_view(const identity::issued_tokens& t);
boost::json::object organization_view(const storage::organization_record& o, std::string_view my_role = {});
boost::json::object membership_view(const storage::membership_record& m);
boost::json::object invitation_view(const storage::invitation_record& i);
boost::json::object project_view(const storage::project_record& p);
boost::json::object api_key_view(const storage::api_key_record& k);
boost::json::object audit_view(const storage::audit_event& e);

}  // namespace brokle::api
