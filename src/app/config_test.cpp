#include "app/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

namespace brokle::app {

namespace {
std::map<std::string, std::string>* g_env = nullptr;
std::optional<std::string> fake_getenv(const char* name) {
  auto it = g_env->find(name);
  if (it == g_env->end()) return std::nullopt;
  return it->second;
}

struct config_fixture : ::testing::Test {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("brokle-config-test-" + std::to_string(::getpid()));
  std::map<std::string, std::string> env;
  void SetUp() override {
    std::filesystem::create_directories(dir);
    g_env = &env;
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir / name) << text; }
  config_inputs inputs() {
    config_inputs in;
    in.getenv = fake_getenv;
    in.dotenv_path = (dir / ".env").string();
    return in;
  }
};
}  // namespace

TEST_F(config_fixture, defaults_apply_when_nothing_is_set) {
  auto rc = load_config(inputs());
  ASSERT_TRUE(rc) << rc.err().message;
  EXPECT_EQ(rc->values.http.port, 8080);
  EXPECT_EQ(rc->values.otlp_grpc_port, 4317);
  EXPECT_EQ(rc->values.otlp_http_port, 4318);
  EXPECT_EQ(rc->values.data_dir, "./data");
  EXPECT_EQ(rc->values.http.body_limit, 10u * 1024 * 1024);
  EXPECT_EQ(rc->sources.at("http.port"), setting_source::defaults);
}

TEST_F(config_fixture, precedence_is_flags_then_env_then_dotenv_then_file) {
  write("brokle.toml", "[http]\nport = 1001\nbody_limit = \"2MiB\"\n[log]\nlevel = \"warn\"\n");
  write(".env", "BROKLE_HTTP_PORT=1002\nLOG_LEVEL=error\nBROKLE_DATA_DIR=/from-dotenv\n");
  env["BROKLE_HTTP_PORT"] = "1003";
  env["BROKLE_CONFIG"] = (dir / "brokle.toml").string();
  auto in = inputs();
  in.flags["http.port"] = "1004";
  auto rc = load_config(in);
  ASSERT_TRUE(rc) << rc.err().message;
  EXPECT_EQ(rc->values.http.port, 1004);
  EXPECT_EQ(rc->sources.at("http.port"), setting_source::flag);
  EXPECT_EQ(rc->values.log_level, log::level::error);  // .env beats file
  EXPECT_EQ(rc->sources.at("log.level"), setting_source::dotenv);
  EXPECT_EQ(rc->values.http.body_limit, 2u * 1024 * 1024);  // only in the file
  EXPECT_EQ(rc->values.data_dir, "/from-dotenv");

  in.flags.clear();
  rc = load_config(in);
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->values.http.port, 1003);  // env beats .env
}

TEST_F(config_fixture, bad_values_name_the_setting_source_and_accepted_values) {
  env["BROKLE_HTTP_PORT"] = "eighty";
  auto rc = load_config(inputs());
  ASSERT_FALSE(rc);
  EXPECT_EQ(rc.err().message, "invalid BROKLE_HTTP_PORT = 'eighty': expected an integer 0-65535");

  env.clear();
  auto in = inputs();
  in.flags["log.level"] = "loud";
  rc = load_config(in);
  ASSERT_FALSE(rc);
  EXPECT_NE(rc.err().message.find("--log-level"), std::string::npos);
  EXPECT_NE(rc.err().message.find("trace, debug, info, warn, error or off"), std::string::npos);
}

TEST_F(config_fixture, unknown_file_keys_and_broken_toml_are_errors) {
  write("a.toml", "[http]\nprot = 1\n");
  auto in = inputs();
  in.config_file = (dir / "a.toml").string();
  auto rc = load_config(in);
  ASSERT_FALSE(rc);
  EXPECT_NE(rc.err().message.find("unknown setting 'http.prot'"), std::string::npos);

  write("b.toml", "[http\nport = 1\n");
  in.config_file = (dir / "b.toml").string();
  rc = load_config(in);
  ASSERT_FALSE(rc);
  EXPECT_NE(rc.err().message.find("line 1"), std::string::npos);
}

TEST_F(config_fixture, provider_tables_are_left_to_their_module) {
  write("p.toml", "[[provider]]\nname = \"mock\"\ntype = \"openai\"\n");
  auto in = inputs();
  in.config_file = (dir / "p.toml").string();
  auto rc = load_config(in);
  EXPECT_TRUE(rc) << rc.err().message;
}

TEST_F(config_fixture, secrets_are_redacted_in_print_and_errors) {
  env["BROKLE_MASTER_KEY"] = "super-secret-value";
  auto rc = load_config(inputs());
  ASSERT_TRUE(rc);
  auto text = render_config(*rc);
  EXPECT_EQ(text.find("super-secret-value"), std::string::npos);
  EXPECT_NE(text.find("security.master_key = \"<redacted>\""), std::string::npos);
}

TEST(config_docs, every_setting_is_documented) {
  auto md = render_settings_markdown();
  for (const auto& s : settings()) {
    EXPECT_NE(md.find("`" + s.env + "`"), std::string::npos) << s.key;
    EXPECT_FALSE(s.help.empty()) << s.key;
  }
}

}  // namespace brokle::app
