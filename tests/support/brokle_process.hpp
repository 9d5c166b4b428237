// Starts the real brokle binary for integration tests: a temporary data dir, port 0, and the
// port it reports on stdout. Stops it with a signal and reports the exit status.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace brokle::testing {

using env_map = std::map<std::string, std::string>;

class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct run_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the binary to completion (for CLI verbs), feeding stdin_text.
run_result run_brokle(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {},
                      const std::string& stdin_text = "", const std::filesystem::path& cwd = {});

class brokle_process {
 public:
  // Starts `brokle serve` with BROKLE_HTTP_PORT=0 and the given extra env; waits for the port.
  explicit brokle_process(std::map<std::string, std::string> env = {}, std::vector<std::string> extra_args = {});
  ~brokle_process();

  uint16_t port() const { return port_; }
  uint16_t otlp_http_port() const { return otlp_http_port_; }  // 0 when the listener is off
  uint16_t otlp_grpc_port() const { return otlp_grpc_port_; }
  const std::filesystem::path& data_dir() const { return data_dir_.path(); }
  pid_t pid() const { return pid_; }
  bool running();
  // Sends sig and waits up to `wait` for the exit; returns the exit code (-1 on timeout, 128+n if signalled).
  int stop(int sig, std::chrono::milliseconds wait = std::chrono::seconds(20));
  std::string stderr_text() const;
  std::string stdout_text() const;

 private:
  temp_dir data_dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  uint16_t otlp_http_port_ = 0;
  uint16_t otlp_grpc_port_ = 0;
  std::filesystem::path out_file_, err_file_;
  int exit_code_ = -1;
};

// The mock model provider (tests/mock_provider) on a free port.
class mock_provider_process {
 public:
  mock_provider_process();
  ~mock_provider_process();
  uint16_t port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  temp_dir dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

}  // namespace brokle::testing
