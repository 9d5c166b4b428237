#include "identity/audit_trail.hpp"

#include "core/log.hpp"
#include "core/ulid.hpp"

namespace brokle::identity {

void audit_trail::record(const audit_actor& actor, std::string org_id, std::string action, std::string target_type,
                         std::string target_id, std::string outcome, std::string details_json) {
  storage::audit_event e;
  e.id = new_ulid();
  e.org_id = std::move(org_id);
  e.actor_id = actor.user_id;
  e.actor_ip = actor.ip;
  e.action = std::move(action);
  e.target_type = std::move(target_type);
  e.target_id = std::move(target_id);
  e.outcome = std::move(outcome);
  e.details = std::move(details_json);
  e.created_at = clock_.now_ms();
  if (auto st = store_.append(e); !st) {
    failures_.fetch_add(1);
    log::error("audit append failed", {{"action", e.action}, {"error", st.err().message}});
  }
}

}  // namespace brokle::identity
