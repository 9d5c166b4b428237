#include "gateway/provider_config.hpp"

#include <set>
#include <sstream>

#include <toml++/toml.h>

namespace brokle::gateway {

std::string_view provider_type_name(provider_type t) {
  switch (t) {
    case provider_type::openai: return "openai";
    case provider_type::azure_openai: return "azure-openai";
    case provider_type::anthropic: return "anthropic";
    case provider_type::gemini: return "gemini";
    case provider_type::cohere: return "cohere";
    case provider_type::openai_compatible: return "openai-compatible";
  }
  return "openai";
}

std::optional<provider_type> parse_provider_type(std::string_view s) {
  for (auto t : {provider_type::openai, provider_type::azure_openai, provider_type::anthropic, provider_type::gemini,
                 provider_type::cohere, provider_type::openai_compatible})
    if (provider_type_name(t) == s) return t;
  return std::nullopt;
}

namespace {

result<std::vector<provider_config>> from_table(const toml::table& doc, std::string_view origin) {
  std::vector<provider_config> out;
  const auto* arr = doc["provider"].as_array();
  if (!arr) {
    if (doc.contains("provider"))
      return make_error(errc::invalid_argument, std::string(origin) + ": 'provider' must be an array of tables ([[provider]])");
    return out;
  }
  std::set<std::string> names;
  int index = 0;
  for (const auto& node : *arr) {
    ++index;
    std::string where = std::string(origin) + ": [[provider]] #" + std::to_string(index);
    const auto* t = node.as_table();
    if (!t) return make_error(errc::invalid_argument, where + " is not a table");
    provider_config p;
    p.name = (*t)["name"].value_or(std::string());
    if (p.name.empty()) return make_error(errc::invalid_argument, where + ": 'name' is required");
    where = std::string(origin) + ": provider '" + p.name + "'";
    if (!names.insert(p.name).second) return make_error(errc::invalid_argument, where + " is declared twice");
    auto type = parse_provider_type((*t)["type"].value_or(std::string()));
    if (!type)
      return make_error(errc::invalid_argument,
                        where + ": 'type' must be one of openai, azure-openai, anthropic, gemini, cohere, "
                                "openai-compatible");
    p.type = *type;
    p.base_url = (*t)["base_url"].value_or(std::string());
    if (p.base_url.rfind("http://", 0) != 0 && p.base_url.rfind("https://", 0) != 0)
      return make_error(errc::invalid_argument, where + ": 'base_url' must start with http:// or https://");
    while (!p.base_url.empty() && p.base_url.back() == '/') p.base_url.pop_back();
    p.api_key = (*t)["api_key"].value_or(std::string());
    p.api_version = (*t)["api_version"].value_or(std::string());
    if (p.type == provider_type::azure_openai && p.api_version.empty())
      return make_error(errc::invalid_argument, where + ": azure-openai needs 'api_version'");
    if (const auto* models = (*t)["models"].as_array()) {
      for (const auto& m : *models) {
        auto s = m.value<std::string>();
        if (!s || s->empty()) return make_error(errc::invalid_argument, where + ": 'models' must be a list of names");
        p.models.push_back(*s);
      }
    }
    if (p.models.empty()) return make_error(errc::invalid_argument, where + ": 'models' must list at least one model");
    auto responses = parse_responses_setting(p.type, (*t)["responses"].value_or(std::string()));
    if (!responses) return make_error(errc::invalid_argument, where + ": " + responses.err().message);
    p.translate_responses = *responses;
    if (const auto* aliases = (*t)["aliases"].as_table()) {
      for (const auto& [k, v] : *aliases) {
        auto s = v.value<std::string>();
        if (!s) return make_error(errc::invalid_argument, where + ": aliases map names to model names");
        p.aliases[std::string(k.str())] = *s;
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

result<bool> parse_responses_setting(provider_type t, std::string_view setting) {
  bool has_api = speaks_openai_wire(t);
  if (setting.empty()) return !has_api;
  if (setting == "translate") return true;
  if (setting == "relay") {
    if (has_api) return false;
    return make_error(errc::invalid_argument, "'responses' cannot be 'relay' for a " + std::string(provider_type_name(t)) +
                                                  " provider: its API has no Responses endpoint (use 'translate')");
  }
  return make_error(errc::invalid_argument, "'responses' must be 'relay' or 'translate'");
}

result<std::vector<provider_config>> parse_provider_configs(std::string_view toml_text, std::string_view origin) {
  try {
    auto doc = toml::parse(toml_text, origin);
    return from_table(doc, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << origin << ": " << e.description() << " (line " << e.source().begin.line << ")";
    return make_error(errc::invalid_argument, msg.str());
  }
}

result<std::vector<provider_config>> load_provider_configs(const std::string& toml_path) {
  if (toml_path.empty()) return std::vector<provider_config>{};
  try {
    auto doc = toml::parse_file(toml_path);
    return from_table(doc, toml_path);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << toml_path << ": " << e.description() << " (line " << e.source().begin.line << ")";
    return make_error(errc::invalid_argument, msg.str());
  }
}

}  // namespace brokle::gateway
