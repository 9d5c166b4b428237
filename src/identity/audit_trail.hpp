// Records security events and admin actions in the append-only audit log. A failed append is
// logged loudly but does not fail the user's action (the action already happened); it is counted
// in brokle_audit_append_failures_total.
#pragma once

#include <atomic>
#include <string>

#include "core/clock.hpp"
#include "storage/audit_store.hpp"

namespace brokle::identity {

struct audit_actor {
  std::string user_id;
  std::string ip;
};

class audit_trail {
 public:
  audit_trail(storage::audit_store& store, const clock_source& clock) : store_(store), clock_(clock) {}
  void record(const audit_actor& actor, std::string org_id, std::string action, std::string target_type = {},
              std::string target_id = {}, std::string outcome = "success", std::string details_json = "{}");
  uint64_t failures() const noexcept { return failures_.load(); }

 private:
  storage::audit_store& store_;
  const clock_source& clock_;
  std::atomic<uint64_t> failures_{0};
};

}  // namespace brokle::identity
