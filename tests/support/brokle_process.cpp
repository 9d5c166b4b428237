#include "support/brokle_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace brokle::testing {

namespace {
std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

int decode_status(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return -1;
}

pid_t spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
            const std::filesystem::path& out, const std::filesystem::path& err, const std::filesystem::path& in,
            const std::filesystem::path& cwd, const char* binary = BROKLE_BINARY) {
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int i = in.empty() ? open("/dev/null", O_RDONLY) : open(in.c_str(), O_RDONLY);
    dup2(o, 1);
    dup2(e, 2);
    dup2(i, 0);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    // A clean environment: only what the test sets, so the developer's own BROKLE_* never leak in.
    std::vector<std::string> env_strings = {"PATH=/usr/bin:/bin", "HOME=/tmp"};
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_strings = {binary};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    execve(binary, argv.data(), envp.data());
    _exit(127);
  }
  return pid;
}
}  // namespace

temp_dir::temp_dir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() / ("brokle-test-" + std::to_string(getpid()) + "-" +
                                                    std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

run_result run_brokle(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                      const std::string& stdin_text, const std::filesystem::path& cwd) {
  temp_dir io;
  auto out = io.path() / "out", err = io.path() / "err", in = io.path() / "in";
  {
    std::ofstream f(in);
    f << stdin_text;
  }
  pid_t pid = spawn(args, env, out, err, in, cwd);
  int st = 0;
  waitpid(pid, &st, 0);
  return {decode_status(st), slurp(out), slurp(err)};
}

brokle_process::brokle_process(std::map<std::string, std::string> env, std::vector<std::string> extra_args) {
  env.emplace("BROKLE_HTTP_PORT", "0");
  env.emplace("BROKLE_HTTP_ADDRESS", "127.0.0.1");
  env.emplace("BROKLE_DATA_DIR", (data_dir_.path() / "data").string());
  env.emplace("BROKLE_HTTP_THREADS", "2");
  env.emplace("BROKLE_OTLP_HTTP_PORT", "0");
  env.emplace("BROKLE_OTLP_GRPC_PORT", "0");
  out_file_ = data_dir_.path() / "stdout.log";
  err_file_ = data_dir_.path() / "stderr.log";
  std::vector<std::string> args = {"serve"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = spawn(args, env, out_file_, err_file_, {}, data_dir_.path());
  static const std::regex port_re(R"((?:^|\n)\s+http\s+http://[^:]+:(\d+))");
  static const std::regex otlp_http_re(R"(otlp/http\s+http://[^:]+:(\d+))");
  static const std::regex otlp_grpc_re(R"(otlp/grpc\s+[^\s:]+:(\d+))");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    std::string out = slurp(out_file_);
    // The banner is written in one piece, ending with the Ctrl-C hint.
    if (out.find("Ctrl-C") != std::string::npos && std::regex_search(out, m, port_re)) {
      port_ = static_cast<uint16_t>(std::stoi(m[1]));
      if (std::regex_search(out, m, otlp_http_re)) otlp_http_port_ = static_cast<uint16_t>(std::stoi(m[1]));
      if (std::regex_search(out, m, otlp_grpc_re)) otlp_grpc_port_ = static_cast<uint16_t>(std::stoi(m[1]));
      return;
    }
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      exit_code_ = decode_status(st);
      pid_ = -1;
      throw std::runtime_error("brokle exited during start-up (" + std::to_string(exit_code_) +
                               "): " + slurp(err_file_));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("brokle did not report its port within 30 s: " + slurp(err_file_));
}

brokle_process::~brokle_process() {
  if (pid_ > 0) stop(SIGKILL, std::chrono::seconds(5));
}

bool brokle_process::running() {
  if (pid_ <= 0) return false;
  int st = 0;
  if (waitpid(pid_, &st, WNOHANG) == pid_) {
    exit_code_ = decode_status(st);
    pid_ = -1;
    return false;
  }
  return true;
}

int brokle_process::stop(int sig, std::chrono::milliseconds wait) {
  if (pid_ <= 0) return exit_code_;
  kill(pid_, sig);
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < deadline) {
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      exit_code_ = decode_status(st);
      pid_ = -1;
      return exit_code_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  int st = 0;
  waitpid(pid_, &st, 0);
  pid_ = -1;
  return -1;
}

mock_provider_process::mock_provider_process() {
  auto out = dir_.path() / "out", err = dir_.path() / "err";
  pid_ = spawn({"--port", "0", "--threads", "2"}, {}, out, err, {}, {}, BROKLE_MOCK_PROVIDER);
  static const std::regex port_re(R"(listening on 127\.0\.0\.1:(\d+))");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    std::string text = slurp(out);
    if (std::regex_search(text, m, port_re)) {
      port_ = static_cast<uint16_t>(std::stoi(m[1]));
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("mock provider did not start: " + slurp(err));
}

mock_provider_process::~mock_provider_process() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int st = 0;
    waitpid(pid_, &st, 0);
  }
}

std::string brokle_process::stderr_text() const { return slurp(err_file_); }
std::string brokle_process::stdout_text() const { return slurp(out_file_); }

}  // namespace brokle::testing
