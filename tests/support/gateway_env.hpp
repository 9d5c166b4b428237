// A running brokle wired to the mock provider, with a user, a project and an API key made through
// the CLI: the starting point of gateway integration and compatibility tests.
#pragma once

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "gateway/surfaces/surface_events_test_support.hpp"
#include "support/api_client.hpp"
#include "support/brokle_process.hpp"

namespace brokle::testing {

// Providers of reasoning models beside the defaults: a Gemini 3 model (it validates thought
// signatures) and an OpenAI-compatible DeepSeek-style reasoner (reasoning_content), served to
// the Responses API by translation.
inline const std::string reasoning_providers_toml =
    "[[provider]]\nname = \"google3\"\ntype = \"gemini\"\nbase_url = \"{MOCK}\"\napi_key = \"g3-test\"\n"
    "models = [\"gemini-3-flash\"]\n"
    "[[provider]]\nname = \"deepseek\"\ntype = \"openai-compatible\"\nbase_url = \"{MOCK}/v1\"\napi_key = \"ds-test\"\n"
    "models = [\"deepseek-reasoner\"]\nresponses = \"translate\"\n";

struct gateway_env {
  mock_provider_process mock;
  temp_dir dir;
  std::string key;
  std::string project_id;
  std::unique_ptr<brokle_process> server;
  env_map env;

  explicit gateway_env(const std::string& extra_provider_toml = "", const env_map& extra_env = {}) {
    std::ofstream(dir.path() / "brokle.toml") << "[[provider]]\n"
                                                 "name = \"mock\"\n"
                                                 "type = \"openai\"\n"
                                                 "base_url = \""
                                              << mock.base_url()
                                              << "/v1\"\n"
                                                 "api_key = \"sk-test-upstream\"\n"
                                                 "models = [\"gpt-4o-mini\", \"text-embedding-3-small\"]\n"
                                                 "aliases = { fast = \"gpt-4o-mini\" }\n"
                                                 "[[provider]]\n"
                                                 "name = \"claude\"\n"
                                                 "type = \"anthropic\"\n"
                                                 "base_url = \""
                                              << mock.base_url()
                                              << "\"\n"
                                                 "api_key = \"sk-ant-test\"\n"
                                                 "models = [\"claude-3-5-haiku\"]\n"
                                                 "[[provider]]\n"
                                                 "name = \"google\"\n"
                                                 "type = \"gemini\"\n"
                                                 "base_url = \""
                                              << mock.base_url()
                                              << "\"\n"
                                                 "api_key = \"g-test\"\n"
                                                 "models = [\"gemini-2.0-flash\", \"gemini-embedding-001\"]\n"
                                                 "[[provider]]\n"
                                                 "name = \"cohere\"\n"
                                                 "type = \"cohere\"\n"
                                                 "base_url = \""
                                              << mock.base_url()
                                              << "\"\n"
                                                 "api_key = \"co-test\"\n"
                                                 "models = [\"command-r\", \"embed-v4.0\"]\n"
                                              << with_mock_url(extra_provider_toml);
    env = env_map{{"BROKLE_DATA_DIR", (dir.path() / "data").string()}, {"BROKLE_ARGON2_MEMORY", "64KiB"}};
    auto u = run_brokle({"user", "create", "--email", "gw@example.com", "--password-stdin", "--admin"}, env,
                        "gateway password\n");
    if (u.exit_code != 0) throw std::runtime_error(u.err);
    auto p = run_brokle({"project", "create", "--name", "gw"}, env);
    project_id = p.out.substr(0, 26);
    auto k = run_brokle({"key", "create", "--project", "gw"}, env);
    key = k.out.substr(0, k.out.size() - 1);
    env["BROKLE_CONFIG"] = (dir.path() / "brokle.toml").string();
    for (const auto& [k, v] : extra_env) env[k] = v;
    server = std::make_unique<brokle_process>(env);
  }
  // "{MOCK}" in extra provider TOML stands for the mock provider's base URL.
  std::string with_mock_url(std::string toml) const {
    for (size_t p; (p = toml.find("{MOCK}")) != std::string::npos;) toml.replace(p, 6, mock.base_url());
    return toml;
  }
  uint16_t port() const { return server->port(); }
  // Stops the server gracefully; start() brings it back on the same data directory.
  void stop() { server->stop(SIGTERM); }
  void start() { server = std::make_unique<brokle_process>(env); }
  api_reply chat(const boost::json::value& body, std::vector<std::pair<std::string, std::string>> h = {}) {
    h.emplace_back("Authorization", "Bearer " + key);
    return call(port(), "POST", "/v1/chat/completions", body, {}, h);
  }
  int64_t upstream_requests() {
    auto s = call(mock.port(), "GET", "/mock/stats");
    return s.json.at("requests").to_number<int64_t>();
  }
  std::string login() {
    auto r = call(port(), "POST", "/api/v1/auth/login",
                  boost::json::object{{"email", "gw@example.com"}, {"password", "gateway password"}});
    return r.str("access_token");
  }
  api_reply generations() {
    auto login = call(port(), "POST", "/api/v1/auth/login", boost::json::object{{"email", "gw@example.com"}, {"password", "gateway password"}});
    return call(port(), "GET", "/api/v1/projects/" + project_id + "/generations", nullptr, login.str("access_token"));
  }
  // The newest call record once at least `count` are stored (records are written off the
  // response path, so they appear shortly after the answer); a test failure after 5 s.
  boost::json::object wait_for_record(size_t count = 1) {
    api_reply gens;
    for (int i = 0; i < 50; ++i) {
      gens = generations();
      if (gens.status() == 200 && gens.json.at("data").as_array().size() >= count) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_GE(gens.json.at("data").as_array().size(), count) << gens.raw.body;
    if (gens.json.at("data").as_array().empty()) return {};
    return gens.json.at("data").as_array()[0].as_object();  // newest first
  }
};

// A relayed stream's Server-Sent Events ({name, data}), split as the SDKs read them: every event
// must have an `event:` line matching its data's `type` (the shared, strict test parser).
using sse_event = gateway::testing::surface_event;
using gateway::testing::events_of;
using gateway::testing::names_of;

}  // namespace brokle::testing
