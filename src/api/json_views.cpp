#include "api/json_views.hpp"

#include <ctime>

#include <boost/json/parse.hpp>

namespace brokle::api {

std::string iso_time(int64_t unix_ms) {
  if (unix_ms <= 0) return {};
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(unix_ms % 1000));
  return buf;
}

boost::json::object user_view(const storage::user_record& u) {
  return {{"id", u.id},           {"email", u.email},
          {"name", u.name},       {"is_admin", u.is_admin},
          {"mfa_enabled", u.mfa_enabled}, {"created_at", iso_time(u.created_at)}};
}

boost::json::object tokens_view(const identity::issued_tokens& t) {
  return {{"access_token", t.access_token},
          {"refresh_token", t.refresh_token},
          {"token_type", "Bearer"},
          {"expires_at", iso_time(t.access_expires_at)},
          {"session_id", t.session_id}};
}

boost::json::object organization_view(const storage::organization_record& o, std::string_view my_role) {
  boost::json::object v{{"id", o.id}, {"name", o.name}, {"created_at", iso_time(o.created_at)}};
  if (!my_role.empty()) v["role"] = my_role;
  return v;
}

boost::json::object membership_view(const storage::membership_record& m) {
  return {{"organization_id", m.org_id}, {"organization_name", m.org_name}, {"user_id", m.user_id},
          {"email", m.email},            {"name", m.name},                  {"role", m.role},
          {"joined_at", iso_time(m.created_at)}};
}

boost::json::object invitation_view(const storage::invitation_record& i) {
  boost::json::object v{{"id", i.id},
                        {"organization_id", i.org_id},
                        {"email", i.email},
                        {"role", i.role},
                        {"invited_by", i.invited_by},
                        {"created_at", iso_time(i.created_at)},
                        {"expires_at", iso_time(i.expires_at)}};
  v["status"] = i.revoked_at ? "revoked" : i.accepted_at ? "accepted" : "pending";
  return v;
}

boost::json::object project_view(const storage::project_record& p) {
  return {{"id", p.id},
          {"organization_id", p.org_id},
          {"name", p.name},
          {"description", p.description},
          {"rpm_limit", p.rpm_limit},
          {"tpm_limit", p.tpm_limit},
          {"retention_days", p.retention_days},
          {"created_at", iso_time(p.created_at)}};
}

boost::json::object api_key_view(const storage::api_key_record& k) {
  boost::json::object v{{"id", k.id},
                        {"project_id", k.project_id},
                        {"name", k.name},
                        {"preview", k.preview},
                        {"rpm_limit", k.rpm_limit},
                        {"tpm_limit", k.tpm_limit},
                        {"created_at", iso_time(k.created_at)},
                        {"expires_at", k.expires_at ? boost::json::value(iso_time(k.expires_at)) : nullptr}};
  v["revoked_at"] = k.revoked_at ? boost::json::value(iso_time(*k.revoked_at)) : nullptr;
  v["status"] = k.revoked_at ? "revoked" : "active";
  return v;
}

boost::json::object audit_view(const storage::audit_event& e) {
  boost::system::error_code ec;
  auto details = boost::json::parse(e.details, ec);
  return {{"id", e.id},
          {"organization_id", e.org_id},
          {"actor_id", e.actor_id},
          {"actor_ip", e.actor_ip},
          {"action", e.action},
          {"target_type", e.target_type},
          {"target_id", e.target_id},
          {"outcome", e.outcome},
          {"details", ec ? boost::json::value(boost::json::object{}) : details},
          {"created_at", iso_time(e.created_at)}};
}

}  // namespace brokle::api
