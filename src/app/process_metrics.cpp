#include "app/process_metrics.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/allocator.hpp"
#include "core/build_info.hpp"

namespace brokle::app {

namespace {

struct proc_stat {
  double cpu_seconds = 0;
  double start_time_seconds = 0;
  uint64_t vsize = 0;
  uint64_t rss_pages = 0;
};

proc_stat read_stat() {
  proc_stat out;
  std::ifstream f("/proc/self/stat");
  std::string content((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  // The command name may contain spaces; fields after the closing parenthesis are positional.
  auto close = content.rfind(')');
  if (close == std::string::npos) return out;
  std::istringstream in(content.substr(close + 2));
  std::string field;
  std::vector<std::string> fields;
  while (in >> field) fields.push_back(field);
  // fields[0] is field 3 (state). utime=14, stime=15, starttime=22, vsize=23, rss=24.
  auto at = [&](size_t n) -> uint64_t { return n - 3 < fields.size() ? std::stoull(fields[n - 3]) : 0; };
  double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  out.cpu_seconds = static_cast<double>(at(14) + at(15)) / ticks;
  out.vsize = at(23);
  out.rss_pages = at(24);
  std::ifstream up("/proc/stat");
  std::string line;
  double boot = 0;
  while (std::getline(up, line))
    if (line.rfind("btime ", 0) == 0) boot = std::stod(line.substr(6));
  out.start_time_seconds = boot + static_cast<double>(at(22)) / ticks;
  return out;
}

double open_fds() {
  double n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (auto* e = readdir(d))
      if (e->d_name[0] != '.') n += 1;
    closedir(d);
    n -= 1;  // the directory handle itself
  }
  return n;
}

}  // namespace

process_memory read_process_memory() {
  auto st = read_stat();
  return {st.rss_pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)), st.vsize};
}

void register_process_metrics(metrics::registry& reg) {
  using metrics::family_type;
  reg.add_callback("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                   family_type::counter, {}, [](auto& out) { out.push_back({{}, read_stat().cpu_seconds}); });
  reg.add_callback("process_resident_memory_bytes", "Resident memory size in bytes.", family_type::gauge, {},
                   [](auto& out) { out.push_back({{}, static_cast<double>(read_process_memory().rss_bytes)}); });
  reg.add_callback("process_virtual_memory_bytes", "Virtual memory size in bytes.", family_type::gauge, {},
                   [](auto& out) { out.push_back({{}, static_cast<double>(read_process_memory().virtual_bytes)}); });
  reg.add_callback("process_open_fds", "Number of open file descriptors.", family_type::gauge, {},
                   [](auto& out) { out.push_back({{}, open_fds()}); });
  reg.add_callback("process_max_fds", "Maximum number of open file descriptors.", family_type::gauge, {},
                   [](auto& out) {
                     rlimit rl{};
                     getrlimit(RLIMIT_NOFILE, &rl);
                     out.push_back({{}, static_cast<double>(rl.rlim_cur)});
                   });
  reg.add_callback("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                   family_type::gauge, {}, [](auto& out) { out.push_back({{}, read_stat().start_time_seconds}); });
  reg.add_callback("brokle_build_info", "Build information; the value is always 1.", family_type::gauge,
                   {"version", "commit", "build_type", "malloc"},
                   [allocator_name = allocator::name()](auto& out) {
                     out.push_back({{build::version, build::commit, build::build_type, allocator_name}, 1});
                   });
  // jemalloc's own accounting (absent on the system allocator): what the program holds versus
  // what the allocator keeps resident, i.e. fragmentation and not-yet-purged pages.
  if (allocator::current_stats()) {
    struct gauge {
      const char* name;
      const char* help;
      uint64_t allocator::stats::*field;
    };
    static const gauge gauges[] = {
        {"brokle_malloc_allocated_bytes", "Bytes allocated by the program (jemalloc stats.allocated).",
         &allocator::stats::allocated},
        {"brokle_malloc_active_bytes", "Bytes in pages holding allocations (jemalloc stats.active).",
         &allocator::stats::active},
        {"brokle_malloc_resident_bytes", "Allocator memory resident in RAM, metadata included (jemalloc stats.resident).",
         &allocator::stats::resident},
        {"brokle_malloc_retained_bytes", "Virtual memory kept mapped but returned to the OS (jemalloc stats.retained).",
         &allocator::stats::retained},
    };
    for (const gauge& g : gauges) {
      reg.add_callback(g.name, g.help, family_type::gauge, {}, [field = g.field](auto& out) {
        if (auto s = allocator::current_stats()) out.push_back({{}, static_cast<double>((*s).*field)});
      });
    }
  }
}

}  // namespace brokle::app
