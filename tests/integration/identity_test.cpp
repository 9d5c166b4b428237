// Identity and tenancy against the real binary: accounts, sessions, MFA, organizations, roles,
// projects, API keys, audit, GDPR, rate limits and — above all — tenant isolation.
#include <gtest/gtest.h>

#include <ctime>
#include <thread>

#include "identity/totp.hpp"
#include "support/api_client.hpp"
#include "support/brokle_process.hpp"

namespace brokle::testing {

namespace {

using json = boost::json::value;
using obj = boost::json::object;

constexpr const char* kPassword = "correct horse battery staple";

struct account {
  std::string id, email, access, refresh;
};

account sign_up(uint16_t port, const std::string& email, const std::string& password = kPassword) {
  auto r = call(port, "POST", "/api/v1/auth/signup", obj{{"email", email}, {"password", password}, {"name", "T"}});
  EXPECT_EQ(r.status(), 201) << r.raw.body;
  return {std::string(r.json.at("user").at("id").as_string()), email, r.str("access_token"), r.str("refresh_token")};
}

std::string create_org(uint16_t port, const account& a, const std::string& name) {
  auto r = call(port, "POST", "/api/v1/organizations", obj{{"name", name}}, a.access);
  EXPECT_EQ(r.status(), 201) << r.raw.body;
  return r.str("id");
}

std::string create_project(uint16_t port, const account& a, const std::string& org, const std::string& name) {
  auto r = call(port, "POST", "/api/v1/projects", obj{{"organization_id", org}, {"name", name}}, a.access);
  EXPECT_EQ(r.status(), 201) << r.raw.body;
  return r.str("id");
}

struct created_key {
  std::string id, key;
};
created_key create_key(uint16_t port, const account& a, const std::string& project, obj extra = {}) {
  extra["name"] = "test";
  auto r = call(port, "POST", "/api/v1/projects/" + project + "/keys", extra, a.access);
  EXPECT_EQ(r.status(), 201) << r.raw.body;
  return {r.str("id"), r.str("key")};
}

class identity_api : public ::testing::Test {
 protected:
  // Generous per-IP limits here: every test talks from 127.0.0.1. The limit itself has its own test.
  static void SetUpTestSuite() { server_ = new brokle_process(env_map{{"BROKLE_ARGON2_MEMORY", "64KiB"}, {"BROKLE_ARGON2_OPS", "1"}}); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static uint16_t port() { return server_->port(); }
  static std::string unique_email(const char* tag) {
    static int n = 0;
    return std::string(tag) + "-" + std::to_string(::getpid()) + "-" + std::to_string(++n) + "@example.com";
  }
  static brokle_process* server_;
};
brokle_process* identity_api::server_ = nullptr;

}  // namespace

TEST_F(identity_api, signup_me_and_duplicate_email) {
  auto email = unique_email("a");
  auto a = sign_up(port(), email);
  EXPECT_FALSE(a.access.empty());
  EXPECT_FALSE(a.refresh.empty());
  auto me = call(port(), "GET", "/api/v1/auth/me", nullptr, a.access);
  ASSERT_EQ(me.status(), 200) << me.raw.body;
  EXPECT_EQ(me.str("email"), email);
  EXPECT_EQ(me.raw.body.find("password"), std::string::npos);  // no hash, ever

  auto upper = email;
  for (auto& c : upper) c = static_cast<char>(std::toupper(c));
  auto dup = call(port(), "POST", "/api/v1/auth/signup", obj{{"email", upper}, {"password", kPassword}});
  EXPECT_EQ(dup.status(), 409) << dup.raw.body;
}

TEST_F(identity_api, bad_signup_input_gets_clear_4xx_and_writes_nothing) {
  struct bad {
    std::string body;
    int status;
    std::string code;
  };
  auto email = unique_email("bad");
  std::vector<bad> cases = {
      {"{not json", 400, "invalid_json"},
      {"[1,2]", 400, "invalid_json"},
      {"{}", 400, "missing_field"},
      {R"({"email":")" + email + R"("})", 400, "missing_field"},
      {R"({"email":42,"password":"xxxxxxxxxxxxxxxx"})", 400, "invalid_field"},
      {R"({"email":"not-an-email","password":"xxxxxxxxxxxxxxxx"})", 400, "invalid_email"},
      {R"({"email":")" + email + R"(","password":"short"})", 400, "invalid_request"},
      {R"({"email":")" + email + R"(","password":")" + std::string(2000, 'x') + R"("})", 400, "invalid_field"},
      {R"({"email":")" + std::string(300, 'a') + R"(@example.com","password":"xxxxxxxxxxxxxxxx"})", 400,
       "invalid_field"},
  };
  for (const auto& c : cases) {
    auto r = call_raw(port(), "POST", "/api/v1/auth/signup", c.body);
    EXPECT_EQ(r.status(), c.status) << c.body << " -> " << r.raw.body;
    EXPECT_EQ(r.error_code(), c.code) << c.body << " -> " << r.raw.body;
  }
  auto wrong_type = call_raw(port(), "POST", "/api/v1/auth/signup", "email=x", {}, {{"Content-Type", "text/plain"}});
  EXPECT_EQ(wrong_type.status(), 415);
  // None of those created the account: signing up now works.
  sign_up(port(), email);
}

TEST_F(identity_api, login_failures_are_uniform_then_lock_the_account) {
  auto email = unique_email("lock");
  sign_up(port(), email);
  auto unknown = call(port(), "POST", "/api/v1/auth/login", obj{{"email", unique_email("nobody")}, {"password", "whatever-123456"}});
  auto wrong = call(port(), "POST", "/api/v1/auth/login", obj{{"email", email}, {"password", "wrong-password-1"}});
  EXPECT_EQ(unknown.status(), 401);
  EXPECT_EQ(wrong.status(), 401);
  EXPECT_EQ(unknown.json.at("error").at("message"), wrong.json.at("error").at("message"));  // no email oracle
  for (int i = 0; i < 3; ++i)
    call(port(), "POST", "/api/v1/auth/login", obj{{"email", email}, {"password", "wrong-password-1"}});
  auto fifth = call(port(), "POST", "/api/v1/auth/login", obj{{"email", email}, {"password", "wrong-password-1"}});
  EXPECT_EQ(fifth.status(), 429) << fifth.raw.body;
  EXPECT_FALSE(fifth.raw.header("Retry-After").empty());
  auto right = call(port(), "POST", "/api/v1/auth/login", obj{{"email", email}, {"password", kPassword}});
  EXPECT_EQ(right.status(), 429) << "a locked account refuses even the right password";
  EXPECT_GT(std::stoi(right.raw.header("Retry-After")), 60);
}

TEST_F(identity_api, refresh_rotates_and_reuse_revokes_the_session) {
  auto a = sign_up(port(), unique_email("refresh"));
  auto r1 = call(port(), "POST", "/api/v1/auth/refresh", obj{{"refresh_token", a.refresh}});
  ASSERT_EQ(r1.status(), 200) << r1.raw.body;
  EXPECT_NE(r1.str("refresh_token"), a.refresh);
  auto again = call(port(), "POST", "/api/v1/auth/refresh", obj{{"refresh_token", a.refresh}});
  EXPECT_EQ(again.status(), 401);
  // Reuse of an old token ends the session: the rotated token is dead too.
  auto after = call(port(), "POST", "/api/v1/auth/refresh", obj{{"refresh_token", r1.str("refresh_token")}});
  EXPECT_EQ(after.status(), 401);
  auto me = call(port(), "GET", "/api/v1/auth/me", nullptr, r1.str("access_token"));
  EXPECT_EQ(me.status(), 401);
}

TEST_F(identity_api, logout_and_password_change_revoke_sessions) {
  auto email = unique_email("logout");
  auto a = sign_up(port(), email);
  auto out = call(port(), "POST", "/api/v1/auth/logout", nullptr, a.access);
  EXPECT_EQ(out.status(), 200) << out.raw.body;
  EXPECT_EQ(call(port(), "GET", "/api/v1/auth/me", nullptr, a.access).status(), 401);
  EXPECT_EQ(call(port(), "POST", "/api/v1/auth/refresh", obj{{"refresh_token", a.refresh}}).status(), 401);

  auto s1 = call(port(), "POST", "/api/v1/auth/login", obj{{"email", email}, {"password", kPassword}});
  auto s2 = call(port(), "POST", "/api/v1/auth/login", obj{{"email", email}, {"password", kPassword}});
  auto changed = call(port(), "POST", "/api/v1/auth/password",
                      obj{{"current_password", kPassword}, {"new_password", "a brand new passphrase"}}, s1.str("access_token"));
  ASSERT_EQ(changed.status(), 200) << changed.raw.body;
  EXPECT_EQ(call(port(), "GET", "/api/v1/auth/me", nullptr, s2.str("access_token")).status(), 401);
  EXPECT_EQ(call(port(), "GET", "/api/v1/auth/me", nullptr, changed.str("access_token")).status(), 200);
  EXPECT_EQ(call(port(), "POST", "/api/v1/auth/login", obj{{"email", email}, {"password", kPassword}}).status(), 401);
}

TEST_F(identity_api, forged_expired_and_malformed_tokens_are_401) {
  auto a = sign_up(port(), unique_email("tok"));
  auto dot1 = a.access.find('.');
  auto dot2 = a.access.find('.', dot1 + 1);
  std::string payload = a.access.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";  // {"alg":"none","typ":"JWT"}
  std::string tampered = a.access;
  tampered[dot2 + 3] = tampered[dot2 + 3] == 'A' ? 'B' : 'A';
  for (const std::string& t : {none_header + "." + payload + ".", tampered, std::string("garbage"),
                               a.access.substr(0, a.access.size() / 2), std::string(5000, 'a')}) {
    auto r = call(port(), "GET", "/api/v1/auth/me", nullptr, t);
    EXPECT_EQ(r.status(), 401) << t.substr(0, 40);
    EXPECT_EQ(r.error_code(), "unauthorized");
  }
  EXPECT_EQ(call(port(), "GET", "/api/v1/auth/me").status(), 401);
}

TEST_F(identity_api, totp_mfa_enroll_login_and_recovery_codes) {
  auto email = unique_email("mfa");
  auto a = sign_up(port(), email);
  auto enroll = call(port(), "POST", "/api/v1/auth/mfa/enroll", nullptr, a.access);
  ASSERT_EQ(enroll.status(), 200) << enroll.raw.body;
  auto secret = enroll.str("secret");
  EXPECT_EQ(enroll.str("otpauth_uri").rfind("otpauth://totp/", 0), 0u);
  auto now = std::time(nullptr);
  auto bad = call(port(), "POST", "/api/v1/auth/mfa/confirm", obj{{"code", "000000"}}, a.access);
  EXPECT_EQ(bad.status(), 400);
  auto confirm = call(port(), "POST", "/api/v1/auth/mfa/confirm",
                      obj{{"code", identity::totp_code_at(secret, now)}}, a.access);
  ASSERT_EQ(confirm.status(), 200) << confirm.raw.body;
  auto codes = confirm.json.at("recovery_codes").as_array();
  ASSERT_EQ(codes.size(), 10u);

  auto no_code = call(port(), "POST", "/api/v1/auth/login", obj{{"email", email}, {"password", kPassword}});
  EXPECT_EQ(no_code.status(), 401);
  EXPECT_EQ(no_code.error_code(), "mfa_required");
  // The confirming code was already used: replay is refused. The next step's code works once.
  auto next_code = identity::totp_code_at(secret, now + 30);
  auto ok = call(port(), "POST", "/api/v1/auth/login", obj{{"email", email}, {"password", kPassword}, {"totp_code", next_code}});
  EXPECT_EQ(ok.status(), 200) << ok.raw.body;
  auto replay = call(port(), "POST", "/api/v1/auth/login", obj{{"email", email}, {"password", kPassword}, {"totp_code", next_code}});
  EXPECT_EQ(replay.status(), 401);

  std::string recovery(codes[0].as_string());
  auto rec = call(port(), "POST", "/api/v1/auth/login", obj{{"email", email}, {"password", kPassword}, {"recovery_code", recovery}});
  EXPECT_EQ(rec.status(), 200) << rec.raw.body;
  auto rec_again = call(port(), "POST", "/api/v1/auth/login", obj{{"email", email}, {"password", kPassword}, {"recovery_code", recovery}});
  EXPECT_EQ(rec_again.status(), 401);
}

TEST_F(identity_api, roles_are_enforced_on_members_projects_and_keys) {
  auto owner = sign_up(port(), unique_email("owner"));
  auto dev = sign_up(port(), unique_email("dev"));
  auto viewer = sign_up(port(), unique_email("viewer"));
  auto org = create_org(port(), owner, "Acme");
  EXPECT_EQ(call(port(), "POST", "/api/v1/organizations/" + org + "/members", obj{{"email", dev.email}, {"role", "developer"}}, owner.access).status(), 201);
  EXPECT_EQ(call(port(), "POST", "/api/v1/organizations/" + org + "/members", obj{{"email", viewer.email}, {"role", "viewer"}}, owner.access).status(), 201);

  // developer: may create projects and keys, may not manage members or read the audit log.
  auto project = create_project(port(), dev, org, "dev-project");
  create_key(port(), dev, project);
  auto dev_adds = call(port(), "POST", "/api/v1/organizations/" + org + "/members", obj{{"email", viewer.email}, {"role", "admin"}}, dev.access);
  EXPECT_EQ(dev_adds.status(), 403) << dev_adds.raw.body;
  EXPECT_EQ(call(port(), "GET", "/api/v1/audit-logs?organization_id=" + org, nullptr, dev.access).status(), 403);
  EXPECT_EQ(call(port(), "DELETE", "/api/v1/projects/" + project, nullptr, dev.access).status(), 403);

  // viewer: reads only.
  EXPECT_EQ(call(port(), "GET", "/api/v1/projects/" + project, nullptr, viewer.access).status(), 200);
  EXPECT_EQ(call(port(), "GET", "/api/v1/projects/" + project + "/keys", nullptr, viewer.access).status(), 200);
  EXPECT_EQ(call(port(), "POST", "/api/v1/projects", obj{{"organization_id", org}, {"name", "v"}}, viewer.access).status(), 403);
  EXPECT_EQ(call(port(), "POST", "/api/v1/projects/" + project + "/keys", obj{{"name", "v"}}, viewer.access).status(), 403);
  EXPECT_EQ(call(port(), "PATCH", "/api/v1/organizations/" + org, obj{{"name", "x"}}, viewer.access).status(), 403);

  // The last owner cannot be demoted or removed; an admin cannot make owners.
  EXPECT_EQ(call(port(), "PATCH", "/api/v1/organizations/" + org + "/members/" + owner.id, obj{{"role", "admin"}}, owner.access).status(), 409);
  EXPECT_EQ(call(port(), "DELETE", "/api/v1/organizations/" + org + "/members/" + owner.id, nullptr, owner.access).status(), 409);
  EXPECT_EQ(call(port(), "PATCH", "/api/v1/organizations/" + org + "/members/" + dev.id, obj{{"role", "admin"}}, owner.access).status(), 200);
  EXPECT_EQ(call(port(), "PATCH", "/api/v1/organizations/" + org + "/members/" + viewer.id, obj{{"role", "owner"}}, dev.access).status(), 403);
  auto perms = call(port(), "GET", "/api/v1/rbac/organizations/" + org + "/me", nullptr, dev.access);
  EXPECT_EQ(perms.str("role"), "admin");
  auto roles = call(port(), "GET", "/api/v1/rbac/roles", nullptr, viewer.access);
  EXPECT_EQ(roles.json.at("data").as_array().size(), 4u);
}

TEST_F(identity_api, api_keys_are_shown_once_validated_in_memory_and_revoked_within_a_second) {
  auto a = sign_up(port(), unique_email("keys"));
  auto org = create_org(port(), a, "Keys Inc");
  auto project = create_project(port(), a, org, "p");
  auto k = create_key(port(), a, project);
  ASSERT_EQ(k.key.rfind("bk_proj_" + project + "_", 0), 0u) << k.key;
  EXPECT_EQ(k.key.size(), 8 + 26 + 1 + 32);
  auto list = call(port(), "GET", "/api/v1/projects/" + project + "/keys", nullptr, a.access);
  EXPECT_EQ(list.raw.body.find(k.key.substr(35)), std::string::npos) << "the secret never comes back";
  EXPECT_NE(list.raw.body.find("bk_proj_"), std::string::npos);  // the preview does

  auto v = call(port(), "POST", "/v1/auth/validate-key", nullptr, {}, {{"X-API-Key", k.key}});
  ASSERT_EQ(v.status(), 200) << v.raw.body;
  EXPECT_EQ(v.str("project_id"), project);
  EXPECT_EQ(call(port(), "POST", "/v1/auth/validate-key", nullptr, k.key).status(), 200);  // Authorization: Bearer
  EXPECT_EQ(call(port(), "POST", "/v1/auth/validate-key", obj{{"api_key", k.key}}).status(), 200);

  for (const std::string& bad : {std::string("bk_proj_short"), k.key.substr(0, k.key.size() - 1), k.key + "x",
                                 std::string("sk-openai-style-key"), std::string("bk_proj_") + std::string(26, '!') + "_" + std::string(32, 'a'),
                                 k.key.substr(0, 35) + std::string(32, 'Z')}) {
    auto r = call(port(), "POST", "/v1/auth/validate-key", nullptr, {}, {{"X-API-Key", bad}});
    EXPECT_EQ(r.status(), 401) << bad;
    EXPECT_EQ(r.error_code(), "invalid_api_key");
    EXPECT_EQ(r.raw.body.find(bad), std::string::npos) << "keys are never echoed";
  }

  auto revoke = call(port(), "DELETE", "/api/v1/projects/" + project + "/keys/" + k.id, nullptr, a.access);
  EXPECT_EQ(revoke.status(), 200) << revoke.raw.body;
  auto t0 = std::chrono::steady_clock::now();
  int status = 200;
  while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1)) {
    status = call(port(), "POST", "/v1/auth/validate-key", nullptr, {}, {{"X-API-Key", k.key}}).status();
    if (status == 401) break;
  }
  EXPECT_EQ(status, 401);
}

TEST_F(identity_api, api_key_rpm_limit_answers_429_with_openai_headers) {
  auto a = sign_up(port(), unique_email("rpm"));
  auto org = create_org(port(), a, "Limits");
  auto project = create_project(port(), a, org, "p");
  auto k = create_key(port(), a, project, obj{{"rpm_limit", 3}});
  for (int i = 0; i < 3; ++i) {
    auto r = call(port(), "POST", "/v1/auth/validate-key", nullptr, {}, {{"X-API-Key", k.key}});
    ASSERT_EQ(r.status(), 200);
    EXPECT_EQ(r.raw.header("x-ratelimit-limit-requests"), "3");
    EXPECT_EQ(r.raw.header("x-ratelimit-remaining-requests"), std::to_string(2 - i));
  }
  auto over = call(port(), "POST", "/v1/auth/validate-key", nullptr, {}, {{"X-API-Key", k.key}});
  EXPECT_EQ(over.status(), 429);
  EXPECT_EQ(over.error_code(), "rate_limit_exceeded");
  EXPECT_FALSE(over.raw.header("Retry-After").empty());
  EXPECT_EQ(over.raw.header("x-ratelimit-remaining-requests"), "0");
  EXPECT_FALSE(over.raw.header("x-ratelimit-reset-requests").empty());
}

TEST_F(identity_api, audit_log_records_security_events_for_admins) {
  auto a = sign_up(port(), unique_email("audit"));
  auto org = create_org(port(), a, "Audited");
  auto project = create_project(port(), a, org, "p");
  auto k = create_key(port(), a, project);
  call(port(), "DELETE", "/api/v1/projects/" + project + "/keys/" + k.id, nullptr, a.access);
  auto r = call(port(), "GET", "/api/v1/audit-logs?organization_id=" + org, nullptr, a.access);
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  std::set<std::string> actions;
  for (const auto& e : r.json.at("data").as_array()) actions.insert(std::string(e.at("action").as_string()));
  for (const char* want : {"organization.create", "project.create", "api_key.create", "api_key.revoke"})
    EXPECT_TRUE(actions.count(want)) << want << " in " << r.raw.body;
  EXPECT_EQ(r.raw.body.find(k.key), std::string::npos);
  auto limited = call(port(), "GET", "/api/v1/audit-logs?organization_id=" + org + "&limit=2", nullptr, a.access);
  EXPECT_EQ(limited.json.at("data").as_array().size(), 2u);
  EXPECT_FALSE(limited.json.at("next_cursor").is_null());
  EXPECT_EQ(call(port(), "GET", "/api/v1/audit-logs?organization_id=" + org + "&limit=abc", nullptr, a.access).status(), 400);
}

TEST_F(identity_api, onboarding_creates_org_project_and_first_key) {
  auto a = sign_up(port(), unique_email("onboard"));
  auto before = call(port(), "GET", "/api/v1/onboarding/status", nullptr, a.access);
  EXPECT_EQ(before.json.at("completed"), false);
  auto done = call(port(), "POST", "/api/v1/onboarding/complete", obj{{"organization_name", "New Co"}, {"project_name", "app"}}, a.access);
  ASSERT_EQ(done.status(), 201) << done.raw.body;
  std::string key(done.json.at("api_key").at("key").as_string());
  EXPECT_EQ(call(port(), "POST", "/v1/auth/validate-key", nullptr, {}, {{"X-API-Key", key}}).status(), 200);
  EXPECT_EQ(call(port(), "GET", "/api/v1/onboarding/status", nullptr, a.access).json.at("completed"), true);
}

TEST_F(identity_api, gdpr_export_and_account_deletion) {
  auto email = unique_email("gdpr");
  auto a = sign_up(port(), email);
  auto org = create_org(port(), a, "Mine Alone");
  auto exp = call(port(), "GET", "/api/v1/users/me/export", nullptr, a.access);
  ASSERT_EQ(exp.status(), 200) << exp.raw.body;
  EXPECT_EQ(exp.json.at("user").at("email").as_string(), email);
  EXPECT_EQ(exp.json.at("memberships").as_array().size(), 1u);
  EXPECT_NE(exp.raw.header("Content-Disposition").find("attachment"), std::string::npos);

  EXPECT_EQ(call(port(), "DELETE", "/api/v1/users/me", obj{{"password", "wrong-password-x"}}, a.access).status(), 401);
  auto sole = call(port(), "DELETE", "/api/v1/users/me", obj{{"password", kPassword}}, a.access);
  EXPECT_EQ(sole.status(), 409) << "sole owner must hand over or delete the organization first";
  EXPECT_EQ(call(port(), "DELETE", "/api/v1/organizations/" + org, nullptr, a.access).status(), 200);
  auto gone = call(port(), "DELETE", "/api/v1/users/me", obj{{"password", kPassword}}, a.access);
  EXPECT_EQ(gone.status(), 200) << gone.raw.body;
  EXPECT_EQ(call(port(), "POST", "/api/v1/auth/login", obj{{"email", email}, {"password", kPassword}}).status(), 401);
  EXPECT_EQ(call(port(), "GET", "/api/v1/auth/me", nullptr, a.access).status(), 401);
}

TEST_F(identity_api, invitations_are_accepted_by_the_invited_email_only) {
  auto owner = sign_up(port(), unique_email("inv-owner"));
  auto invitee = sign_up(port(), unique_email("invitee"));
  auto other = sign_up(port(), unique_email("other"));
  auto org = create_org(port(), owner, "Inviting");
  auto inv = call(port(), "POST", "/api/v1/organizations/" + org + "/invitations", obj{{"email", invitee.email}, {"role", "developer"}}, owner.access);
  ASSERT_EQ(inv.status(), 201) << inv.raw.body;
  auto token = inv.str("token");
  EXPECT_EQ(call(port(), "POST", "/api/v1/invitations/accept", obj{{"token", token}}, other.access).status(), 404);
  auto ok = call(port(), "POST", "/api/v1/invitations/accept", obj{{"token", token}}, invitee.access);
  EXPECT_EQ(ok.status(), 200) << ok.raw.body;
  EXPECT_EQ(ok.str("role"), "developer");
  EXPECT_EQ(call(port(), "POST", "/api/v1/invitations/accept", obj{{"token", token}}, invitee.access).status(), 404);
}

// The isolation walk: everything user B can name of user A's tenant answers 404 and leaks nothing.
TEST_F(identity_api, another_tenants_ids_are_404_on_every_route_with_no_data) {
  auto a = sign_up(port(), unique_email("tenant-a"));
  auto b = sign_up(port(), unique_email("tenant-b"));
  auto org_a = create_org(port(), a, "Secret Org A");
  auto project_a = create_project(port(), a, org_a, "secret-project-a");
  auto key_a = create_key(port(), a, project_a);
  auto inv_a = call(port(), "POST", "/api/v1/organizations/" + org_a + "/invitations", obj{{"email", "x@example.com"}, {"role", "viewer"}}, a.access);
  std::string inv_id = inv_a.str("id");
  create_org(port(), b, "B's own org");

  struct probe {
    std::string method, path;
    json body;
  };
  std::vector<probe> probes = {
      {"GET", "/api/v1/organizations/" + org_a, nullptr},
      {"PATCH", "/api/v1/organizations/" + org_a, obj{{"name", "pwned"}}},
      {"DELETE", "/api/v1/organizations/" + org_a, nullptr},
      {"GET", "/api/v1/organizations/" + org_a + "/members", nullptr},
      {"POST", "/api/v1/organizations/" + org_a + "/members", obj{{"email", b.email}, {"role", "owner"}}},
      {"PATCH", "/api/v1/organizations/" + org_a + "/members/" + a.id, obj{{"role", "viewer"}}},
      {"DELETE", "/api/v1/organizations/" + org_a + "/members/" + a.id, nullptr},
      {"GET", "/api/v1/organizations/" + org_a + "/invitations", nullptr},
      {"POST", "/api/v1/organizations/" + org_a + "/invitations", obj{{"email", b.email}, {"role", "admin"}}},
      {"DELETE", "/api/v1/organizations/" + org_a + "/invitations/" + inv_id, nullptr},
      {"GET", "/api/v1/rbac/organizations/" + org_a + "/me", nullptr},
      {"GET", "/api/v1/audit-logs?organization_id=" + org_a, nullptr},
      {"GET", "/api/v1/projects?organization_id=" + org_a, nullptr},
      {"POST", "/api/v1/projects", obj{{"organization_id", org_a}, {"name", "intruder"}}},
      {"GET", "/api/v1/projects/" + project_a, nullptr},
      {"PATCH", "/api/v1/projects/" + project_a, obj{{"name", "pwned"}}},
      {"DELETE", "/api/v1/projects/" + project_a, nullptr},
      {"GET", "/api/v1/projects/" + project_a + "/keys", nullptr},
      {"POST", "/api/v1/projects/" + project_a + "/keys", obj{{"name", "stolen"}}},
      {"DELETE", "/api/v1/projects/" + project_a + "/keys/" + key_a.id, nullptr},
  };
  for (const auto& p : probes) {
    auto r = call(port(), p.method, p.path, p.body, b.access);
    EXPECT_EQ(r.status(), 404) << p.method << " " << p.path << " -> " << r.raw.body;
    for (const std::string& secret : {std::string("Secret Org A"), std::string("secret-project-a"), a.email, a.id})
      EXPECT_EQ(r.raw.body.find(secret), std::string::npos) << p.method << " " << p.path << " leaked " << secret;
  }
  // B's listings hold none of A's data.
  for (const char* path : {"/api/v1/organizations", "/api/v1/projects", "/api/v1/auth/me", "/api/v1/users/me/export"}) {
    auto r = call(port(), "GET", path, nullptr, b.access);
    EXPECT_EQ(r.status(), 200) << path;
    EXPECT_EQ(r.raw.body.find(org_a), std::string::npos) << path;
    EXPECT_EQ(r.raw.body.find(project_a), std::string::npos) << path;
  }
  // And A's things are intact after all that.
  EXPECT_EQ(call(port(), "GET", "/api/v1/projects/" + project_a, nullptr, a.access).str("name"), "secret-project-a");
  EXPECT_EQ(call(port(), "POST", "/v1/auth/validate-key", nullptr, {}, {{"X-API-Key", key_a.key}}).status(), 200);
  auto members = call(port(), "GET", "/api/v1/organizations/" + org_a + "/members", nullptr, a.access);
  EXPECT_EQ(members.json.at("data").as_array().size(), 1u);
}

// --- servers of their own ---

TEST(identity_limits, auth_routes_are_rate_limited_per_ip) {
  brokle_process p(env_map{{"BROKLE_ARGON2_MEMORY", "64KiB"}, {"BROKLE_ARGON2_OPS", "1"}});
  int limited = 0;
  for (int i = 0; i < 30; ++i) {
    auto r = call(p.port(), "POST", "/api/v1/auth/login", obj{{"email", "nobody@example.com"}, {"password", "whatever-123456"}});
    if (r.status() == 429) {
      ++limited;
      EXPECT_FALSE(r.raw.header("Retry-After").empty());
    }
  }
  EXPECT_GE(limited, 5);
}

TEST(identity_cli, user_project_and_key_from_the_shell_work_against_the_server) {
  temp_dir d;
  env_map env{{"BROKLE_DATA_DIR", d.path().string()}, {"BROKLE_ARGON2_MEMORY", "64KiB"}};
  auto u = run_brokle({"user", "create", "--email", "ops@example.com", "--password-stdin", "--admin"}, env,
                      "a very long password\n");
  ASSERT_EQ(u.exit_code, 0) << u.err;
  EXPECT_EQ(u.out.size(), 27u) << u.out;  // the ULID and a newline
  auto p = run_brokle({"project", "create", "--name", "shell-app"}, env);
  ASSERT_EQ(p.exit_code, 0) << p.err;
  auto k = run_brokle({"key", "create", "--project", "shell-app"}, env);
  ASSERT_EQ(k.exit_code, 0) << k.err;
  std::string key = k.out.substr(0, k.out.size() - 1);
  EXPECT_EQ(key.rfind("bk_proj_" + p.out.substr(0, 26) + "_", 0), 0u) << key;
  auto by_id = run_brokle({"key", "create", "--project", p.out.substr(0, 26)}, env);
  EXPECT_EQ(by_id.exit_code, 0) << by_id.err;

  auto short_pw = run_brokle({"user", "create", "--email", "x@example.com", "--password-stdin"}, env, "short\n");
  EXPECT_EQ(short_pw.exit_code, 1);
  EXPECT_NE(short_pw.err.find("12"), std::string::npos) << short_pw.err;
  auto dup = run_brokle({"user", "create", "--email", "ops@example.com", "--password-stdin"}, env, "another long password\n");
  EXPECT_EQ(dup.exit_code, 1);
  auto missing = run_brokle({"key", "create", "--project", "nope"}, env);
  EXPECT_EQ(missing.exit_code, 1);

  brokle_process server(env_map{{"BROKLE_DATA_DIR", d.path().string()}});
  auto v = call(server.port(), "POST", "/v1/auth/validate-key", nullptr, {}, {{"X-API-Key", key}});
  EXPECT_EQ(v.status(), 200) << v.raw.body;
  auto login = call(server.port(), "POST", "/api/v1/auth/login", obj{{"email", "ops@example.com"}, {"password", "a very long password"}});
  EXPECT_EQ(login.status(), 200) << login.raw.body;
  EXPECT_EQ(login.json.at("user").at("is_admin"), true);
  // The key file was created 0600 on first run.
  auto perms = std::filesystem::status(d.path() / "master.key").permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

}  // namespace brokle::testing
