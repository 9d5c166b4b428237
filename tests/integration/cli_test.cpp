// The brokle CLI against the real binary: version, config, migrate, start-up errors.
#include <gtest/gtest.h>

#include <fstream>

#include "support/brokle_process.hpp"

namespace brokle::testing {

TEST(cli, version_prints_version_and_commit) {
  auto r = run_brokle({"version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("brokle ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("commit"), std::string::npos);
}

// Release builds link jemalloc into the binary, sanitizer builds keep the system allocator
// (CMake passes the choice as BROKLE_EXPECTED_MALLOC).
TEST(cli, version_names_the_allocator_the_binary_runs_on) {
  auto r = run_brokle({"version"});
  ASSERT_EQ(r.exit_code, 0);
  const std::string expected = std::string("malloc: ") + BROKLE_EXPECTED_MALLOC;
  EXPECT_NE(r.out.find(expected), std::string::npos) << r.out;
  if (std::string(BROKLE_EXPECTED_MALLOC) == "jemalloc") {
    EXPECT_NE(r.out.find("jemalloc 5."), std::string::npos) << r.out;
  }
}

TEST(cli, help_lists_commands) {
  auto r = run_brokle({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* cmd : {"serve", "migrate", "config", "version"}) EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
}

TEST(cli, unknown_command_fails_with_usage) {
  auto r = run_brokle({"frobnicate"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE((r.out + r.err).find("frobnicate"), std::string::npos);
}

TEST(cli, config_print_shows_sources_and_redacts_secrets) {
  temp_dir d;
  std::ofstream(d.path() / ".env") << "BROKLE_HTTP_PORT=9191\nBROKLE_MASTER_KEY=do-not-print-me\n";
  auto r = run_brokle({"config", "print", "--log-level", "debug"}, {{"BROKLE_OTLP_GRPC_PORT", "5317"}}, "", d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("http.port = \"9191\"  # .env"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("otlp.grpc_port = \"5317\"  # environment"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("log.level = \"debug\"  # flag"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("otlp.http_port = \"4318\"  # default"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("do-not-print-me"), std::string::npos);
}

TEST(cli, config_file_from_flag_and_set_override) {
  temp_dir d;
  std::ofstream(d.path() / "b.toml") << "[http]\nport = 7000\nbody_limit = \"1MiB\"\n";
  auto r = run_brokle({"config", "print", "-c", (d.path() / "b.toml").string(), "--set", "http.body_limit=2MiB"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("http.port = \"7000\"  # config file"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("http.body_limit = \"2MiB\"  # flag"), std::string::npos) << r.out;
}

TEST(cli, bad_setting_stops_with_one_clear_line) {
  temp_dir d;
  auto r = run_brokle({"serve"}, {{"BROKLE_HTTP_PORT", "70000"}, {"BROKLE_DATA_DIR", d.path().string()}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "error: invalid BROKLE_HTTP_PORT = '70000': expected an integer 0-65535\n");
  auto l = run_brokle({"serve", "--log-format", "xml"}, {{"BROKLE_DATA_DIR", d.path().string()}});
  EXPECT_EQ(l.exit_code, 2);
  EXPECT_EQ(l.err, "error: invalid --log-format = 'xml': expected text or json\n");
  auto s = run_brokle({"config", "print", "--set", "nope=1"});
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_NE(s.err.find("unknown setting 'nope'"), std::string::npos);
}

TEST(cli, port_in_use_is_one_clear_error) {
  brokle_process first;
  temp_dir d;
  auto r = run_brokle({"serve"}, {{"BROKLE_HTTP_PORT", std::to_string(first.port())},
                                  {"BROKLE_HTTP_ADDRESS", "127.0.0.1"},
                                  {"BROKLE_DATA_DIR", d.path().string()}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())), std::string::npos) << r.err;
}

TEST(cli, migrate_status_up_down_round_trip) {
  temp_dir d;
  std::map<std::string, std::string> env = {{"BROKLE_DATA_DIR", d.path().string()}};
  auto st = run_brokle({"migrate", "status"}, env);
  EXPECT_EQ(st.exit_code, 0) << st.err;
  EXPECT_NE(st.out.find("pending"), std::string::npos) << st.out;

  auto up = run_brokle({"migrate", "up"}, env);
  EXPECT_EQ(up.exit_code, 0) << up.err;
  EXPECT_NE(up.out.find("applying 0001"), std::string::npos) << up.out;
  auto again = run_brokle({"migrate", "up"}, env);
  EXPECT_NE(again.out.find("up to date"), std::string::npos) << again.out;

  st = run_brokle({"migrate", "status"}, env);
  EXPECT_NE(st.out.find("0 pending, 0 dirty"), std::string::npos) << st.out;

  auto down = run_brokle({"migrate", "down"}, env);
  EXPECT_EQ(down.exit_code, 0) << down.err;
  EXPECT_NE(down.out.find("reverted 1 migration(s)"), std::string::npos) << down.out;
  st = run_brokle({"migrate", "status"}, env);
  EXPECT_NE(st.out.find("1 pending"), std::string::npos) << st.out;
}

TEST(cli, serve_without_auto_migrate_refuses_a_pending_schema) {
  temp_dir d;
  auto r = run_brokle({"serve"}, {{"BROKLE_DATA_DIR", d.path().string()},
                                  {"BROKLE_AUTO_MIGRATE", "false"},
                                  {"BROKLE_HTTP_PORT", "0"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("pending"), std::string::npos) << r.err;
}

TEST(cli, serve_migrates_automatically_and_the_data_dir_holds_the_store) {
  brokle_process p;
  EXPECT_TRUE(std::filesystem::exists(p.data_dir() / "data" / "brokle.db"));
  EXPECT_NE(p.stderr_text().find("applying migration"), std::string::npos);
}

}  // namespace brokle::testing

namespace brokle::testing {

TEST(cli, configuration_docs_match_the_binary) {
  auto r = run_brokle({"config", "docs"});
  ASSERT_EQ(r.exit_code, 0);
  std::ifstream f(std::string(BROKLE_SOURCE_DIR) + "/docs/configuration.md");
  std::string doc((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_NE(doc.find(r.out), std::string::npos) << "docs/configuration.md is stale: regenerate with `brokle config docs`";
}

}  // namespace brokle::testing
