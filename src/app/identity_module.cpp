#include "app/identity_module.hpp"

#include <sodium.h>

#include <array>
#include <cstdlib>

#include "core/log.hpp"
#include "identity/api_key.hpp"

namespace brokle::app {

namespace {
// Purpose-bound subkeys of the master key: rotating the master key rotates all of them.
std::string derive(const identity::master_key& mk, uint64_t id, const char context[8]) {
  std::array<unsigned char, 32> sub;
  crypto_kdf_derive_from_key(sub.data(), sub.size(), id, context, mk.data());
  return std::string(reinterpret_cast<const char*>(sub.data()), sub.size());
}
}  // namespace

result<std::unique_ptr<identity_module>> make_identity_module(const config& cfg, storage::store_set& stores) {
  auto m = std::make_unique<identity_module>();
  std::optional<std::string> env_key;
  if (!cfg.master_key.empty()) env_key = cfg.master_key;
  auto key = identity::load_master_key(env_key, cfg.data_dir, &m->created_key_file);
  if (!key) return make_error(key.err().code, "master key: " + key.err().message);
  if (m->created_key_file)
    log::warn("created a new master key file; back it up, or set BROKLE_MASTER_KEY (every replica needs the same)",
              {{"path", (cfg.data_dir / "master.key").string()}});

  m->secrets = std::make_unique<identity::secret_box>(*key);
  m->passwords = std::make_unique<identity::password_hasher>(identity::argon2_params{cfg.argon2_ops, cfg.argon2_memory});
  m->tokens = std::make_unique<identity::access_token_codec>(
      derive(*key, 1, "brokljwt"), "brokle",
      std::chrono::duration_cast<std::chrono::seconds>(cfg.access_token_ttl));
  std::string pepper = derive(*key, 2, "broklkey");
  m->audit = std::make_unique<identity::audit_trail>(*stores.audit, m->clock);
  m->policy = std::make_unique<identity::access_policy>(*stores.organizations, *stores.projects, *stores.users);
  m->keys = std::make_unique<identity::api_key_index>(
      *stores.projects, [pepper](std::string_view k) { return identity::hash_api_key(k, pepper); }, m->clock);
  if (auto st = m->keys->refresh(); !st) return make_error(st.err().code, "loading API keys: " + st.err().message);
  identity::auth_settings auth;
  auth.refresh_ttl_ms = cfg.refresh_token_ttl.count();
  m->auth = std::make_unique<identity::auth_service>(*stores.users, *stores.sessions, *m->audit, *m->passwords,
                                                     *m->tokens, *m->secrets, m->clock, auth);
  m->orgs = std::make_unique<identity::organization_service>(*stores.organizations, *stores.users, *m->policy,
                                                             *m->audit, m->clock);
  m->projects = std::make_unique<identity::project_service>(*stores.projects, *m->policy, *m->keys, *m->audit,
                                                            m->clock, pepper);
  m->accounts = std::make_unique<identity::account_service>(*stores.users, *stores.organizations, *stores.audit,
                                                            *m->audit, *m->passwords, m->clock);
  m->limiter = std::make_unique<identity::rate_limiter>(100000);
  return m;
}

}  // namespace brokle::app
