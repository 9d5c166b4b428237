// Refresh sessions behind dashboard logins: stored by hash, rotated on use, revocable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace brokle::storage {

struct session_record {
  std::string id;
  std::string user_id;
  std::string refresh_hash;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> revoked_at;
  std::string user_agent;
  std::string ip;
};

class session_store {
 public:
  virtual ~session_store() = default;
  virtual status create(const session_record& s) = 0;
  virtual result<std::optional<session_record>> find_by_refresh_hash(std::string_view hash) = 0;
  virtual result<std::optional<session_record>> find(std::string_view session_id) = 0;
  // The session whose refresh token was rotated away from `hash`: a second use of a spent
  // refresh token, the sign of a stolen token.
  virtual result<std::optional<session_record>> find_by_previous_hash(std::string_view hash) = 0;
  // Swaps the refresh hash only if `old_hash` is still current (a reused token loses the race).
  virtual result<bool> rotate(std::string_view session_id, std::string_view old_hash, std::string_view new_hash,
                              int64_t new_expires_at) = 0;
  virtual status revoke(std::string_view session_id, int64_t now) = 0;
  virtual status revoke_all_for_user(std::string_view user_id, int64_t now) = 0;
};

}  // namespace brokle::storage
