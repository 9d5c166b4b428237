#include "app/cli.hpp"

#include <cstdio>
#include <map>

#include <CLI/CLI.hpp>

#include "app/config.hpp"
#include "app/migrate_command.hpp"
#include "app/serve_command.hpp"
#include "app/setup_commands.hpp"

#include <iostream>
#include "core/allocator.hpp"
#include "core/build_info.hpp"

namespace brokle::app {

int run_cli(int argc, char** argv) {
  CLI::App cli{"Brokle: the AI control plane. See everything, control everything.", "brokle"};
  cli.require_subcommand(1);
  cli.fallthrough();
  cli.set_help_all_flag("--help-all", "Show help for every command");

  // Every setting is a flag (also usable after the subcommand).
  std::map<std::string, std::string> flag_values;
  for (const auto& s : settings()) {
    auto* opt = cli.add_option("--" + s.flag, flag_values[s.key], s.help + " [env " + s.env + "]");
    opt->group("Settings");
    opt->type_name(s.secret ? "SECRET" : "VALUE");
  }
  std::vector<std::string> sets;
  cli.add_option("--set", sets, "Any setting as key=value (TOML key), e.g. --set http.port=9090")->group("Settings");
  std::string config_file;
  cli.add_option("-c,--config", config_file, "TOML config file [env BROKLE_CONFIG]")->group("Settings");

  auto* serve_cmd = cli.add_subcommand("serve", "Run the server (HTTP gateway, APIs, dashboard, telemetry)");
  auto* migrate_cmd = cli.add_subcommand("migrate", "Manage the store's schema");
  migrate_cmd->require_subcommand(1);
  int down_steps = 1;
  auto* up_cmd = migrate_cmd->add_subcommand("up", "Apply every pending migration");
  auto* down_cmd = migrate_cmd->add_subcommand("down", "Revert the newest migration(s)");
  down_cmd->add_option("-n,--steps", down_steps, "How many migrations to revert")->check(CLI::Range(1, 1000));
  auto* status_cmd = migrate_cmd->add_subcommand("status", "Show applied, pending and dirty migrations");
  auto* user_cmd = cli.add_subcommand("user", "Manage dashboard users on the local store");
  user_cmd->require_subcommand(1);
  auto* user_create_cmd = user_cmd->add_subcommand("create", "Create a user (password read from standard input)");
  user_create_args uca;
  bool password_stdin = false;
  user_create_cmd->add_option("--email", uca.email, "Email address")->required();
  user_create_cmd->add_option("--name", uca.name, "Display name");
  user_create_cmd->add_flag("--password-stdin", password_stdin, "Read the password from standard input")->required();
  user_create_cmd->add_flag("--admin", uca.admin, "Make the user an instance administrator");
  auto* project_cmd = cli.add_subcommand("project", "Manage projects on the local store");
  project_cmd->require_subcommand(1);
  auto* project_create_cmd = project_cmd->add_subcommand("create", "Create a project; prints its id");
  project_create_args pca;
  project_create_cmd->add_option("--name", pca.name, "Project name")->required();
  project_create_cmd->add_option("--owner", pca.owner_email, "Owner's email (default: the first admin user)");
  auto* key_cmd = cli.add_subcommand("key", "Manage project API keys on the local store");
  key_cmd->require_subcommand(1);
  auto* key_create_cmd = key_cmd->add_subcommand("create", "Create an API key; prints only the full key");
  key_create_args kca;
  key_create_cmd->add_option("--project", kca.project, "Project name or id")->required();
  key_create_cmd->add_option("--name", kca.name, "A label for the key");
  auto* version_cmd = cli.add_subcommand("version", "Print the version and build");
  auto* config_cmd = cli.add_subcommand("config", "Inspect configuration");
  config_cmd->require_subcommand(1);
  auto* print_cmd = config_cmd->add_subcommand("print", "Print the effective configuration (secrets redacted)");
  auto* docs_cmd = config_cmd->add_subcommand("docs", "Print every setting as a Markdown table");

  // CLI11 only says "a subcommand is required" for a mistyped command; name it instead.
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.empty() || a[0] == '-') {
      // Settings flags take a value; skip it ("--http-port 9090").
      if (a.find('=') == std::string_view::npos && a != "--help" && a != "-h" && a != "--help-all") ++i;
      continue;
    }
    if (a != "serve" && a != "migrate" && a != "config" && a != "version" && a != "user" && a != "project" &&
        a != "key") {
      std::fprintf(stderr,
                   "error: unknown command '%s' (commands: serve, migrate, user, project, key, config, version; "
                   "see --help)\n",
                   argv[i]);
      return 2;
    }
    break;
  }

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }

  if (version_cmd->parsed()) {
    std::printf("brokle %s (commit %s, %s build, malloc: %s)\n", build::version, build::commit, build::build_type,
                allocator::name().c_str());
    return 0;
  }
  if (docs_cmd->parsed()) {
    std::fputs(render_settings_markdown().c_str(), stdout);
    return 0;
  }

  config_inputs in;
  for (const auto& s : settings()) {
    auto* opt = cli.get_option("--" + s.flag);
    if (opt->count() > 0) in.flags[s.key] = flag_values[s.key];
  }
  for (const auto& kv : sets) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "error: --set expects key=value, got '%s'\n", kv.c_str());
      return 2;
    }
    std::string key = kv.substr(0, eq);
    bool known = false;
    for (const auto& s : settings()) known = known || s.key == key;
    if (!known) {
      std::fprintf(stderr, "error: --set: unknown setting '%s' (see `brokle config docs`)\n", key.c_str());
      return 2;
    }
    in.flags[key] = kv.substr(eq + 1);
  }
  if (!config_file.empty()) in.config_file = config_file;

  auto rc = load_config(in);
  if (!rc) {
    std::fprintf(stderr, "error: %s\n", rc.err().message.c_str());
    return 2;
  }

  if (print_cmd->parsed()) {
    std::fputs(render_config(*rc).c_str(), stdout);
    return 0;
  }
  if (serve_cmd->parsed()) return serve(*rc);
  if (user_create_cmd->parsed()) {
    std::string password;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.empty()) {
      std::fprintf(stderr, "error: no password on standard input (echo ... | brokle user create ...)\n");
      return 2;
    }
    return user_create(*rc, uca, password);
  }
  if (project_create_cmd->parsed()) return project_create(*rc, pca);
  if (key_create_cmd->parsed()) return key_create(*rc, kca);
  if (up_cmd->parsed()) return migrate(*rc, "up", 0);
  if (down_cmd->parsed()) return migrate(*rc, "down", down_steps);
  if (status_cmd->parsed()) return migrate(*rc, "status", 0);
  return 2;
}

}  // namespace brokle::app
