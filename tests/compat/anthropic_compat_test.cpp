// Compatibility: the official `@anthropic-ai/sdk` npm package (installed by scripts/bootstrap.sh
// into tests/compat/node_modules) drives brokle's /v1/messages exactly as an application would,
// with only baseURL and apiKey changed. The checks themselves are in anthropic_compat.mjs.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "support/gateway_env.hpp"

namespace brokle::testing {

TEST(gateway_compat, official_anthropic_npm_client_works_unmodified) {
  gateway_env g(reasoning_providers_toml);
  std::string dir = std::string(BROKLE_SOURCE_DIR) + "/tests/compat";
  ASSERT_TRUE(std::filesystem::exists(dir + "/node_modules/@anthropic-ai/sdk")) << "scripts/bootstrap.sh installs it";
  std::string out = (g.dir.path() / "node.out").string();
  // The SDK appends /v1/messages to the base URL: brokle's root.
  std::string cmd = "cd " + dir + " && node anthropic_compat.mjs http://127.0.0.1:" + std::to_string(g.port()) + " " +
                    g.key + " > " + out + " 2>&1";
  int rc = std::system(cmd.c_str());
  std::ifstream f(out);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rc, 0) << text;
  EXPECT_EQ(text.find("FAIL"), std::string::npos) << text;
  EXPECT_NE(text.find("ok   claude-3-5-haiku: tool use round trip"), std::string::npos) << text;
  EXPECT_NE(text.find("ok   claude-3-5-haiku: an overloaded_error event mid-stream"), std::string::npos) << text;
  EXPECT_NE(text.find("ok   claude-3-5-haiku: messages.countTokens"), std::string::npos) << text;
}

}  // namespace brokle::testing
