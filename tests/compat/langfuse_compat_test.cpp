// Compatibility: the official `langfuse` npm SDK (v3), installed by scripts/bootstrap.sh into
// tests/compat/node_modules, ingests a trace with a span, generations, an event and scores through
// /api/public/ingestion; the query API must show them merged and priced, and a wrong key must be
// refused. The checks are in langfuse_compat.mjs.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/gateway_env.hpp"
#include "compat/node_script.hpp"

namespace brokle::testing {

TEST(telemetry_compat, langfuse_js_sdk_ingestion_is_queryable_and_wrong_keys_are_refused) {
  ASSERT_TRUE(std::filesystem::exists(compat_dir() + "/node_modules/langfuse")) << "scripts/bootstrap.sh installs it";
  gateway_env g;
  auto r = run_node_script(g.dir.path(), "langfuse_compat.mjs",
                           {std::to_string(g.port()), g.project_id, g.key, "gw@example.com", "gateway password"});
  EXPECT_TRUE(r.passed()) << "exit " << r.exit_code << "\n" << r.output;
}

}  // namespace brokle::testing
