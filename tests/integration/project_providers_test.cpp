// Project-level providers through /api/v1/projects/{id}/providers: keys sealed at rest and never
// shown, calls routed with the project's provider (and only for that project), role checks, bad
// input, and changes taking effect without a restart.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/api_client.hpp"
#include "support/gateway_env.hpp"

namespace brokle::testing {

namespace {

using obj = boost::json::object;
using arr = boost::json::array;

std::string login(gateway_env& g, const std::string& email, const std::string& password) {
  auto r = call(g.port(), "POST", "/api/v1/auth/login", obj{{"email", email}, {"password", password}});
  EXPECT_EQ(r.status(), 200) << r.raw.body;
  return r.str("access_token");
}

obj chat_body(const std::string& model) {
  return obj{{"model", model}, {"messages", arr{obj{{"role", "user"}, {"content", "hi"}}}}};
}

std::string file_text(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

TEST(project_providers, a_project_provider_serves_its_models_with_a_sealed_key_only_for_that_project) {
  gateway_env g;
  auto token = login(g, "gw@example.com", "gateway password");
  std::string base = "/api/v1/projects/" + g.project_id + "/providers";
  const std::string secret = "sk-project-secret-0123456789";
  auto created = call(g.port(), "POST", base,
                      obj{{"name", "house"},
                          {"type", "openai-compatible"},
                          {"base_url", g.mock.base_url() + "/v1/"},
                          {"api_key", secret},
                          {"models", arr{"house-model"}},
                          {"aliases", obj{{"house", "house-model"}}}},
                      token);
  ASSERT_EQ(created.status(), 201) << created.raw.body;
  EXPECT_EQ(created.raw.body.find(secret), std::string::npos);
  EXPECT_EQ(created.json.at("api_key_hint").as_string(), "…6789");
  EXPECT_TRUE(created.json.at("has_api_key").as_bool());
  EXPECT_EQ(created.str("base_url"), g.mock.base_url() + "/v1");
  std::string id = created.str("id");

  // Routed at once (this replica refreshes on change), with the project's key upstream.
  auto r = g.chat(chat_body("house"));
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  auto last = call(g.mock.port(), "GET", "/mock/stats").json.at("last_request");
  EXPECT_EQ(last.at("headers").at("authorization").as_string(), "Bearer " + secret);
  EXPECT_NE(last.at("body").as_string().find("\"house-model\""), std::string::npos);

  // Listed in /v1/models for this project, before the operator's models.
  auto models = call(g.port(), "GET", "/v1/models", nullptr, g.key);
  ASSERT_EQ(models.status(), 200);
  EXPECT_EQ(models.json.at("data").as_array()[0].at("id").as_string(), "house-model");
  EXPECT_EQ(call(g.port(), "GET", "/v1/models/house", nullptr, g.key).status(), 200);

  // The key is sealed at rest: not in the database file in clear.
  g.stop();
  for (auto name : {"brokle.db", "brokle.db-wal"}) {
    auto p = g.dir.path() / "data" / name;
    if (std::filesystem::exists(p)) {
      EXPECT_EQ(file_text(p).find(secret), std::string::npos) << name;
    }
  }
  g.start();
  token = login(g, "gw@example.com", "gateway password");
  ASSERT_EQ(g.chat(chat_body("house")).status(), 200);  // unsealed again after a restart

  // Another project of the same organization does not see it.
  auto project = call(g.port(), "GET", "/api/v1/projects/" + g.project_id, nullptr, token);
  auto other = call(g.port(), "POST", "/api/v1/projects",
                    obj{{"organization_id", project.str("organization_id")}, {"name", "other"}}, token);
  ASSERT_EQ(other.status(), 201) << other.raw.body;
  auto other_key = call(g.port(), "POST", "/api/v1/projects/" + other.str("id") + "/keys", obj{{"name", "k"}}, token);
  ASSERT_EQ(other_key.status(), 201) << other_key.raw.body;
  int64_t before = g.upstream_requests();
  auto denied = call(g.port(), "POST", "/v1/chat/completions", chat_body("house"), other_key.str("key"));
  EXPECT_EQ(denied.status(), 404);
  EXPECT_EQ(denied.error_code(), "model_not_found");
  EXPECT_EQ(call(g.port(), "GET", "/api/v1/projects/" + other.str("id") + "/providers/" + id, nullptr, token).status(),
            404);
  EXPECT_EQ(g.upstream_requests(), before);

  // Rotating the key and then deleting the provider take effect without a restart.
  auto rotated = call(g.port(), "PATCH", base + "/" + id, obj{{"api_key", "sk-rotated-key-abcdefgh"}}, token);
  ASSERT_EQ(rotated.status(), 200) << rotated.raw.body;
  EXPECT_EQ(rotated.json.at("api_key_hint").as_string(), "…efgh");
  ASSERT_EQ(g.chat(chat_body("house")).status(), 200);
  last = call(g.mock.port(), "GET", "/mock/stats").json.at("last_request");
  EXPECT_EQ(last.at("headers").at("authorization").as_string(), "Bearer sk-rotated-key-abcdefgh");
  auto listed = call(g.port(), "GET", base, nullptr, token);
  ASSERT_EQ(listed.status(), 200);
  ASSERT_EQ(listed.json.at("data").as_array().size(), 1u);
  EXPECT_EQ(listed.raw.body.find("sk-rotated"), std::string::npos);
  ASSERT_EQ(call(g.port(), "DELETE", base + "/" + id, nullptr, token).status(), 200);
  EXPECT_EQ(g.chat(chat_body("house")).status(), 404);
  EXPECT_EQ(call(g.port(), "GET", base + "/" + id, nullptr, token).status(), 404);
}

TEST(project_providers, bad_input_and_roles_are_refused_and_nothing_is_stored) {
  gateway_env g;
  auto token = login(g, "gw@example.com", "gateway password");
  std::string base = "/api/v1/projects/" + g.project_id + "/providers";
  obj good{{"name", "p1"}, {"type", "openai"}, {"base_url", "https://api.example.com/v1"}, {"models", arr{"m"}}};
  auto with = [&](std::string_view k, boost::json::value v) {
    obj o = good;
    o[k] = std::move(v);
    return o;
  };
  obj missing_models = good;
  missing_models.erase("models");
  for (const auto& body : {with("type", "bedrock"), with("base_url", "ftp://x"), with("base_url", "not a url"),
                           with("base_url", "https://user:pw@host/v1"), with("name", "has space"),
                           with("models", arr{}), with("models", arr{1}), with("models", "m"),
                           with("aliases", obj{{"a", 1}}), with("type", "azure-openai"), missing_models,
                           with("responses", "sometimes"), with("responses", 1)}) {
    auto r = call(g.port(), "POST", base, body, token);
    EXPECT_EQ(r.status(), 400) << boost::json::serialize(body) << " -> " << r.raw.body;
  }
  EXPECT_EQ(call_raw(g.port(), "POST", base, "{not json", token, {{"Content-Type", "application/json"}}).status(), 400);
  EXPECT_EQ(call(g.port(), "POST", base, good, "").status(), 401);
  EXPECT_EQ(call(g.port(), "POST", base, good, g.key).status(), 401);  // an API key is not a dashboard session
  auto listed = call(g.port(), "GET", base, nullptr, token);
  ASSERT_EQ(listed.status(), 200);
  EXPECT_TRUE(listed.json.at("data").as_array().empty());

  obj relay_to_gemini = with("type", "gemini");
  relay_to_gemini["responses"] = "relay";
  auto no_api = call(g.port(), "POST", base, relay_to_gemini, token);
  EXPECT_EQ(no_api.status(), 400) << no_api.raw.body;
  EXPECT_NE(no_api.raw.body.find("no Responses endpoint"), std::string::npos) << no_api.raw.body;

  ASSERT_EQ(call(g.port(), "POST", base, good, token).status(), 201);
  auto dup = call(g.port(), "POST", base, good, token);
  EXPECT_EQ(dup.status(), 409) << dup.raw.body;

  // A developer may read providers but not change them.
  auto signup = call(g.port(), "POST", "/api/v1/auth/signup",
                     obj{{"email", "dev@example.com"}, {"password", "developer password"}});
  ASSERT_EQ(signup.status(), 201) << signup.raw.body;
  auto project = call(g.port(), "GET", "/api/v1/projects/" + g.project_id, nullptr, token);
  auto added = call(g.port(), "POST", "/api/v1/organizations/" + project.str("organization_id") + "/members",
                    obj{{"email", "dev@example.com"}, {"role", "developer"}}, token);
  ASSERT_LT(added.status(), 300) << added.raw.body;
  auto dev = login(g, "dev@example.com", "developer password");
  EXPECT_EQ(call(g.port(), "GET", base, nullptr, dev).status(), 200);
  EXPECT_EQ(call(g.port(), "POST", base, with("name", "p2"), dev).status(), 403);
  auto still = call(g.port(), "GET", base, nullptr, token);
  EXPECT_EQ(still.json.at("data").as_array().size(), 1u);
}

// An OpenAI-compatible server without the Responses API (Mistral, DeepSeek, ...) is declared with
// `responses: translate`: POST /v1/responses then goes to its chat completions; switched back to
// `relay`, the same call goes to its /responses.
TEST(project_providers, the_responses_setting_chooses_relay_or_translation) {
  gateway_env g;
  auto token = login(g, "gw@example.com", "gateway password");
  std::string base = "/api/v1/projects/" + g.project_id + "/providers";
  auto created = call(g.port(), "POST", base,
                      obj{{"name", "compat"},
                          {"type", "openai-compatible"},
                          {"base_url", g.mock.base_url() + "/v1"},
                          {"api_key", "sk-compat-0123456789"},
                          {"models", arr{"compat-model"}},
                          {"responses", "translate"}},
                      token);
  ASSERT_EQ(created.status(), 201) << created.raw.body;
  EXPECT_EQ(created.str("responses"), "translate");
  auto respond = [&] {
    return call(g.port(), "POST", "/v1/responses", obj{{"model", "compat-model"}, {"input", "hello compat"}}, g.key);
  };
  auto upstream_path = [&] {
    return std::string(call(g.mock.port(), "GET", "/mock/stats").json.at("last_request").at("path").as_string());
  };
  auto translated = respond();
  ASSERT_EQ(translated.status(), 200) << translated.raw.body;
  EXPECT_EQ(translated.str("object"), "response");
  EXPECT_EQ(translated.json.at("store"), false);
  EXPECT_EQ(upstream_path(), "/v1/chat/completions");

  auto patched = call(g.port(), "PATCH", base + "/" + created.str("id"), obj{{"responses", "relay"}}, token);
  ASSERT_EQ(patched.status(), 200) << patched.raw.body;
  EXPECT_EQ(patched.str("responses"), "relay");
  auto relayed = respond();
  ASSERT_EQ(relayed.status(), 200) << relayed.raw.body;
  EXPECT_EQ(upstream_path(), "/v1/responses");
  EXPECT_EQ(relayed.str("id").rfind("resp_mock_", 0), 0u) << "the provider's own response: " << relayed.raw.body;

  // An OpenAI provider set to translate gets OpenAI's own token limit field (its reasoning models
  // refuse max_tokens).
  auto openai = call(g.port(), "POST", base,
                     obj{{"name", "openai-chat-only"},
                         {"type", "openai"},
                         {"base_url", g.mock.base_url() + "/v1"},
                         {"api_key", "sk-openai-0123456789"},
                         {"models", arr{"o-chat-model"}},
                         {"responses", "translate"}},
                     token);
  ASSERT_EQ(openai.status(), 201) << openai.raw.body;
  auto limited = call(g.port(), "POST", "/v1/responses",
                      obj{{"model", "o-chat-model"}, {"input", "hello"}, {"max_output_tokens", 50}}, g.key);
  ASSERT_EQ(limited.status(), 200) << limited.raw.body;
  auto sent = boost::json::parse(call(g.mock.port(), "GET", "/mock/stats").json.at("last_request").at("body").as_string());
  EXPECT_EQ(sent.at("max_completion_tokens").as_int64(), 50) << sent;
  EXPECT_FALSE(sent.as_object().contains("max_tokens")) << sent;

  auto reset = call(g.port(), "PATCH", base + "/" + created.str("id"), obj{{"responses", "default"}}, token);
  ASSERT_EQ(reset.status(), 200) << reset.raw.body;
  EXPECT_EQ(reset.str("responses"), "default");
  ASSERT_EQ(respond().status(), 200);
  EXPECT_EQ(upstream_path(), "/v1/responses") << "the default for openai-compatible is to relay";
}

}  // namespace brokle::testing
