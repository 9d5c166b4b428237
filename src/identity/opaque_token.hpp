// Opaque bearer secrets (refresh tokens, invitation tokens): 256 random bits, URL-safe base64,
// stored only as a BLAKE2b-256 hash. A fast hash is right here: the input has full entropy, so
// there is nothing for a slow hash to protect against.
#pragma once

#include <string>
#include <string_view>

namespace brokle::identity {

std::string new_opaque_token();
std::string hash_opaque_token(std::string_view token);
bool looks_like_opaque_token(std::string_view token);

}  // namespace brokle::identity
