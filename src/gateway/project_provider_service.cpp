#include "gateway/project_provider_service.hpp"

#include <boost/url/parse.hpp>

#include "core/log.hpp"
#include "core/ulid.hpp"

namespace brokle::gateway {

namespace {

status invalid(std::string msg) { return make_error(errc::invalid_argument, std::move(msg)); }

bool valid_name(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

bool printable(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

std::string key_hint(const std::string& key) {
  if (key.empty()) return {};
  if (key.size() < 12) return "…";  // too short to show any of it safely
  return "…" + key.substr(key.size() - 4);
}

}  // namespace

project_provider_service::project_provider_service(storage::project_provider_store& store,
                                                   identity::access_policy& policy, const identity::secret_box& box,
                                                   identity::audit_trail& audit, provider_directory& directory,
                                                   const clock_source& clock, provider_limits limits)
    : store_(store), policy_(policy), box_(box), audit_(audit), directory_(directory), clock_(clock), limits_(limits) {}

status project_provider_service::validate(const storage::project_provider_record& r) const {
  if (!valid_name(r.name, limits_.max_name))
    return invalid("'name' must be 1-" + std::to_string(limits_.max_name) + " letters, digits, '-', '_' or '.'");
  auto type = parse_provider_type(r.type);
  if (!type)
    return invalid("'type' must be one of openai, azure-openai, anthropic, gemini, cohere, openai-compatible");
  if (r.base_url.size() > limits_.max_url) return invalid("'base_url' is too long");
  auto url = boost::urls::parse_absolute_uri(r.base_url);
  if (!url || (url->scheme() != "http" && url->scheme() != "https") || url->host().empty())
    return invalid("'base_url' must be an absolute http:// or https:// URL");
  if (url->has_userinfo()) return invalid("'base_url' must not carry credentials; use 'api_key'");
  if (*type == provider_type::azure_openai && r.api_version.empty()) return invalid("azure-openai needs 'api_version'");
  if (r.api_version.size() > 64 || !printable(r.api_version)) return invalid("'api_version' is not valid");
  if (auto responses = parse_responses_setting(*type, r.responses); !responses) return invalid(responses.err().message);
  if (r.models.empty()) return invalid("'models' must list at least one model");
  if (r.models.size() > limits_.max_models) return invalid("'models' lists more than " + std::to_string(limits_.max_models));
  for (const auto& m : r.models)
    if (m.empty() || m.size() > limits_.max_model_name || !printable(m)) return invalid("'models' holds an invalid name");
  if (r.aliases.size() > limits_.max_aliases) return invalid("'aliases' holds more than " + std::to_string(limits_.max_aliases));
  for (const auto& [alias, target] : r.aliases)
    if (alias.empty() || alias.size() > limits_.max_model_name || !printable(alias) || target.empty() ||
        target.size() > limits_.max_model_name || !printable(target))
      return invalid("'aliases' must map model names to model names");
  return ok_v;
}

void project_provider_service::apply(storage::project_provider_record& r, const provider_input& in) const {
  if (in.name) r.name = *in.name;
  if (in.type) r.type = *in.type;
  if (in.base_url) {
    r.base_url = *in.base_url;
    while (!r.base_url.empty() && r.base_url.back() == '/') r.base_url.pop_back();
  }
  if (in.api_version) r.api_version = *in.api_version;
  if (in.responses) r.responses = *in.responses;
  if (in.models) r.models = *in.models;
  if (in.aliases) r.aliases = *in.aliases;
}

void project_provider_service::changed() {
  // This replica routes with the change at once; others notice within their poll interval.
  if (auto s = directory_.refresh(); !s)
    log::warn("project providers: refresh after a change failed", {{"error", s.err().message}});
}

result<storage::project_provider_record> project_provider_service::create(const identity::audit_actor& actor,
                                                                          std::string_view project_id,
                                                                          const provider_input& in) {
  auto authorized = policy_.authorize_project(actor.user_id, project_id, identity::permission::providers_manage);
  if (!authorized) return authorized.err();
  const auto& scope = *authorized;
  if (!in.name || !in.type || !in.base_url || !in.models)
    return make_error(errc::invalid_argument, "'name', 'type', 'base_url' and 'models' are required");
  storage::project_provider_record r;
  apply(r, in);
  if (auto s = validate(r); !s) return s.err();
  if (in.api_key && in.api_key->size() > limits_.max_key) return make_error(errc::invalid_argument, "'api_key' is too long");
  auto existing = store_.list(scope);
  if (!existing) return existing.err();
  if (existing->size() >= limits_.max_providers_per_project)
    return make_error(errc::conflict, "the project already has " + std::to_string(existing->size()) +
                                          " providers (the limit)");
  r.id = new_ulid();
  r.org_id = scope.org_id();
  r.project_id = scope.project_id();
  if (in.api_key && !in.api_key->empty()) {
    r.sealed_key = box_.seal(*in.api_key);
    r.key_hint = key_hint(*in.api_key);
  }
  r.created_by = actor.user_id;
  r.created_at = r.updated_at = clock_.now_ms();
  if (auto s = store_.create(scope, r); !s) return s.err();
  audit_.record(actor, scope.org_id(), "provider.create", "provider", r.id, "success",
                "{\"name\":\"" + r.name + "\",\"type\":\"" + r.type + "\"}");
  changed();
  return r;
}

result<std::vector<storage::project_provider_record>> project_provider_service::list(std::string_view user_id,
                                                                                     std::string_view project_id) {
  auto scope = policy_.authorize_project(user_id, project_id, identity::permission::providers_read);
  if (!scope) return scope.err();
  return store_.list(*scope);
}

result<storage::project_provider_record> project_provider_service::get(std::string_view user_id,
                                                                       std::string_view project_id,
                                                                       const std::string& id) {
  auto scope = policy_.authorize_project(user_id, project_id, identity::permission::providers_read);
  if (!scope) return scope.err();
  return store_.get(*scope, id);
}

result<storage::project_provider_record> project_provider_service::update(const identity::audit_actor& actor,
                                                                          std::string_view project_id,
                                                                          const std::string& id,
                                                                          const provider_input& in) {
  auto authorized = policy_.authorize_project(actor.user_id, project_id, identity::permission::providers_manage);
  if (!authorized) return authorized.err();
  const auto& scope = *authorized;
  auto r = store_.get(scope, id);
  if (!r) return r.err();
  apply(*r, in);
  if (auto s = validate(*r); !s) return s.err();
  bool key_changed = false;
  if (in.api_key) {
    if (in.api_key->size() > limits_.max_key) return make_error(errc::invalid_argument, "'api_key' is too long");
    r->sealed_key = in.api_key->empty() ? std::string() : box_.seal(*in.api_key);
    r->key_hint = key_hint(*in.api_key);
    key_changed = true;
  }
  r->updated_at = clock_.now_ms();
  if (auto s = store_.update(scope, *r); !s) return s.err();
  audit_.record(actor, scope.org_id(), key_changed ? "provider.key_rotate" : "provider.update", "provider", id);
  changed();
  return r;
}

status project_provider_service::remove(const identity::audit_actor& actor, std::string_view project_id,
                                        const std::string& id) {
  auto authorized = policy_.authorize_project(actor.user_id, project_id, identity::permission::providers_manage);
  if (!authorized) return authorized.err();
  const auto& scope = *authorized;
  if (auto s = store_.remove(scope, id); !s) return s;
  audit_.record(actor, scope.org_id(), "provider.delete", "provider", id);
  changed();
  return ok_v;
}

}  // namespace brokle::gateway
