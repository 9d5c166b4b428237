// Compatibility: the official `openai` npm package (installed by scripts/bootstrap.sh into
// tests/compat/node_modules) drives brokle exactly as an application would. The checks themselves
// are in openai_compat.mjs.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "support/gateway_env.hpp"

namespace brokle::testing {

TEST(gateway_compat, official_openai_npm_client_works_unmodified) {
  gateway_env g(reasoning_providers_toml);
  std::string dir = std::string(BROKLE_SOURCE_DIR) + "/tests/compat";
  ASSERT_TRUE(std::filesystem::exists(dir + "/node_modules/openai")) << "scripts/bootstrap.sh installs it";
  std::string out = (g.dir.path() / "node.out").string();
  std::string cmd = "cd " + dir + " && node openai_compat.mjs http://127.0.0.1:" + std::to_string(g.port()) + "/v1 " +
                    g.key + " > " + out + " 2>&1";
  int rc = std::system(cmd.c_str());
  std::ifstream f(out);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rc, 0) << text;
  EXPECT_EQ(text.find("FAIL"), std::string::npos) << text;
}

}  // namespace brokle::testing
