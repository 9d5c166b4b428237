// Project API keys: what SDKs send as X-API-Key / Bearer. Format
//   bk_proj_<project ULID, 26 chars>_<secret, 32 chars of base62>      (67 characters)
// The project id in clear lets logs and support tell keys apart without the secret; the secret
// has 32*log2(62) ~ 190 bits of entropy. Only a keyed BLAKE2b-256 hash is stored. A fast hash is
// right here: with that much entropy there is nothing for a slow hash to protect, and validation
// runs on every gateway request.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace brokle::identity {

inline constexpr std::string_view kApiKeyPrefix = "bk_proj_";
inline constexpr size_t kApiKeySecretLength = 32;
inline constexpr size_t kApiKeyLength = 8 + 26 + 1 + kApiKeySecretLength;  // 67

struct generated_api_key {
  std::string full_key;  // shown to the user once, never stored
  std::string key_hash;  // hash_api_key(full_key, pepper): what the store keeps
  std::string preview;   // e.g. "bk_proj_01AB...WXYZ": safe to list and log
};

// Views into the key that was parsed (valid while it is).
struct parsed_api_key {
  std::string_view project_id;
  std::string_view secret;
};

// `project_id` must be a valid ULID (a bug otherwise: std::invalid_argument). `pepper` as in
// hash_api_key().
generated_api_key generate_api_key(std::string_view project_id, std::string_view pepper = {});

// Checks the shape only (no lookup). unauthenticated errors that say what is wrong — wrong
// prefix, truncated, too long, invalid project id, bad separator, invalid secret characters —
// without ever echoing the presented key.
result<parsed_api_key> parse_api_key(std::string_view key);

// Lowercase hex of BLAKE2b-256 over the full key. `pepper` is an optional server-side secret of
// exactly 32 bytes (empty = unkeyed) that makes a leaked hash table useless without it; any other
// length is a bug (std::invalid_argument). Costs well under a microsecond.
std::string hash_api_key(std::string_view full_key, std::string_view pepper = {});

// "bk_proj_" + first 4 characters of the project id + "..." + last 4 of the secret. Expects a
// key that parse_api_key() accepts; returns "bk_proj_..." for anything else.
std::string api_key_preview(std::string_view full_key);

// Constant-time for equal lengths (the length of a hash is not secret).
bool key_hash_equals(std::string_view a, std::string_view b);

}  // namespace brokle::identity
