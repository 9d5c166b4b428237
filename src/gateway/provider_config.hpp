// Model providers as the operator declares them in the TOML config:
//
//   [[provider]]
//   name = "mock"
//   type = "openai"   # openai | azure-openai | anthropic | gemini | cohere | openai-compatible
//   base_url = "http://127.0.0.1:18181/v1"
//   api_key = "sk-test"
//   models = ["gpt-4o-mini", "text-embedding-3-small"]
//
// Optional: `api_version` (azure-openai), `aliases = { "fast" = "gpt-4o-mini" }`,
// `responses = "relay" | "translate"` (how POST /v1/responses is served: see below).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace brokle::gateway {

enum class provider_type { openai, azure_openai, anthropic, gemini, cohere, openai_compatible };

std::string_view provider_type_name(provider_type t);
std::optional<provider_type> parse_provider_type(std::string_view s);
// OpenAI, Azure OpenAI and OpenAI-compatible servers take the OpenAI body as it is; Anthropic,
// Gemini and Cohere ones are translated.
inline bool speaks_openai_wire(provider_type t) {
  return t == provider_type::openai || t == provider_type::azure_openai || t == provider_type::openai_compatible;
}

// The `responses` setting: "relay" sends POST /v1/responses to the provider's own Responses API,
// "translate" serves it through chat completions (for OpenAI-compatible servers without that API:
// Mistral, DeepSeek, Together, ...), "" is the type's default (relay for openai, azure-openai and
// openai-compatible; translate for anthropic, gemini and cohere, whose APIs have none). True when
// the provider's Responses calls are translated; an error saying why for any other value, or
// for "relay" to a type without the API.
result<bool> parse_responses_setting(provider_type t, std::string_view setting);

struct provider_config {
  std::string name;
  provider_type type = provider_type::openai;
  std::string base_url;
  std::string api_key;  // secret: never logged or returned
  std::string api_version;
  std::vector<std::string> models;
  std::map<std::string, std::string> aliases;  // alias -> model
  bool translate_responses = false;  // parse_responses_setting(): POST /v1/responses by translation
};

// Reads every [[provider]] table of the TOML file (none when the path is empty).
result<std::vector<provider_config>> load_provider_configs(const std::string& toml_path);
// The same from TOML text (for tests).
result<std::vector<provider_config>> parse_provider_configs(std::string_view toml_text, std::string_view origin);

}  // namespace brokle::gateway
