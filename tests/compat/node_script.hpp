// Runs one of the compatibility scripts (tests/compat/*.mjs) with node against a running brokle and
// returns its exit code and combined output; a script prints "ok <check>" or "FAIL <check>: why".
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace brokle::testing {

struct node_script_result {
  int exit_code = -1;
  std::string output;
  bool passed() const { return exit_code == 0 && output.find("FAIL") == std::string::npos; }
};

inline std::string compat_dir() { return std::string(BROKLE_SOURCE_DIR) + "/tests/compat"; }

// Arguments are passed single-quoted; none of ours (ports, ids, keys, words) contains a quote.
inline node_script_result run_node_script(const std::filesystem::path& scratch, const std::string& script,
                                          const std::vector<std::string>& args) {
  std::string out = (scratch / (script + ".out")).string();
  std::string cmd = "cd '" + compat_dir() + "' && node " + script;
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " > '" + out + "' 2>&1";
  int rc = std::system(cmd.c_str());
  std::ifstream f(out);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, text};
}

}  // namespace brokle::testing
