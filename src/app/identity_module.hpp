// Builds the identity services for one process from the stores and the configuration: the master
// key (from BROKLE_MASTER_KEY or a 0600 key file in the data dir), keys derived from it for JWT
// signing and API-key hashing, and the services the HTTP API and the CLI share.
#pragma once

#include <memory>

#include "app/config.hpp"
#include "core/clock.hpp"
#include "identity/access_policy.hpp"
#include "identity/access_token.hpp"
#include "identity/account_service.hpp"
#include "identity/api_key_index.hpp"
#include "identity/audit_trail.hpp"
#include "identity/auth_service.hpp"
#include "identity/organization_service.hpp"
#include "identity/password_hasher.hpp"
#include "identity/project_service.hpp"
#include "identity/secret_box.hpp"
#include "identity/token_bucket.hpp"
#include "storage/store_set.hpp"

namespace brokle::app {

struct identity_module {
  system_clock_source clock;
  std::unique_ptr<identity::secret_box> secrets;
  std::unique_ptr<identity::password_hasher> passwords;
  std::unique_ptr<identity::access_token_codec> tokens;
  std::unique_ptr<identity::audit_trail> audit;
  std::unique_ptr<identity::access_policy> policy;
  std::unique_ptr<identity::api_key_index> keys;
  std::unique_ptr<identity::auth_service> auth;
  std::unique_ptr<identity::organization_service> orgs;
  std::unique_ptr<identity::project_service> projects;
  std::unique_ptr<identity::account_service> accounts;
  std::unique_ptr<identity::rate_limiter> limiter;
  bool created_key_file = false;
};

// Loads the key index too (one full read of the keys table).
result<std::unique_ptr<identity_module>> make_identity_module(const config& cfg, storage::store_set& stores);

}  // namespace brokle::app
