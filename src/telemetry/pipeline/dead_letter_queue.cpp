#include "telemetry/pipeline/dead_letter_queue.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/ulid.hpp"
#include "telemetry/pipeline/batch_codec.hpp"

namespace brokle::telemetry {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view file_suffix = ".batch.json";

bool is_batch_file(const fs::path& p) {
  auto name = p.filename().string();
  return name.size() > file_suffix.size() && name.ends_with(file_suffix) && name[0] != '.';
}

status errno_error(const std::string& what) {
  return make_error(errc::unavailable, what + ": " + std::strerror(errno));
}

// Writes all of data to a new file and fsyncs it.
status write_file_durably(const fs::path& path, const std::string& data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return errno_error("dead-letter queue: cannot create " + path.string());
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      auto e = errno_error("dead-letter queue: write " + path.string());
      ::close(fd);
      return e;
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    auto e = errno_error("dead-letter queue: fsync " + path.string());
    ::close(fd);
    return e;
  }
  if (::close(fd) != 0) return errno_error("dead-letter queue: close " + path.string());
  return ok_v;
}

void fsync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

dead_letter_queue::dead_letter_queue(fs::path dir, uint64_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}

status dead_letter_queue::open() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return make_error(errc::unavailable, "dead-letter queue: cannot create " + dir_.string() + ": " + ec.message());
  size_t files = 0;
  uint64_t bytes = 0;
  for (const auto& de : fs::directory_iterator(dir_, ec)) {
    if (!de.is_regular_file()) continue;
    auto name = de.path().filename().string();
    if (name.starts_with(".") && name.ends_with(".tmp")) {
      fs::remove(de.path(), ec);  // a write a crash interrupted: it was never acknowledged
      continue;
    }
    if (!is_batch_file(de.path())) continue;
    ++files;
    bytes += de.file_size(ec);
  }
  if (ec) return make_error(errc::unavailable, "dead-letter queue: cannot list " + dir_.string() + ": " + ec.message());
  files_ = files;
  bytes_ = bytes;
  return ok_v;
}

status dead_letter_queue::put(const storage::telemetry_batch& batch) {
  std::string data = encode_batch(batch);
  std::lock_guard lock(mu_);
  if (bytes_.load() + data.size() > max_bytes_)
    return make_error(errc::unavailable, "dead-letter queue is full (" + std::to_string(max_bytes_) + " bytes)");
  std::string name = new_ulid();
  fs::path tmp = dir_ / ("." + name + ".tmp");
  fs::path final_path = dir_ / (name + std::string(file_suffix));
  if (auto s = write_file_durably(tmp, data); !s) {
    std::error_code ec;
    fs::remove(tmp, ec);
    return s;
  }
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    auto e = errno_error("dead-letter queue: rename " + tmp.string());
    std::error_code ec;
    fs::remove(tmp, ec);
    return e;
  }
  fsync_dir(dir_);
  files_.fetch_add(1);
  bytes_.fetch_add(data.size());
  return ok_v;
}

std::vector<dead_letter_queue::entry> dead_letter_queue::list() const {
  std::vector<entry> out;
  std::error_code ec;
  for (const auto& de : fs::directory_iterator(dir_, ec)) {
    if (!de.is_regular_file() || !is_batch_file(de.path())) continue;
    out.push_back({de.path(), de.file_size(ec)});
  }
  std::sort(out.begin(), out.end(), [](const entry& a, const entry& b) { return a.path.filename() < b.path.filename(); });
  return out;
}

result<storage::telemetry_batch> dead_letter_queue::read(const entry& e) const {
  std::ifstream in(e.path, std::ios::binary);
  if (!in) return make_error(errc::unavailable, "dead-letter queue: cannot open " + e.path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return decode_batch(ss.str());
}

void dead_letter_queue::remove(const entry& e) {
  std::lock_guard lock(mu_);
  std::error_code ec;
  if (!fs::remove(e.path, ec)) return;
  fsync_dir(dir_);
  files_.fetch_sub(1);
  bytes_.fetch_sub(std::min(bytes_.load(), e.bytes));
}

void dead_letter_queue::quarantine(const entry& e) {
  std::lock_guard lock(mu_);
  std::error_code ec;
  fs::create_directories(dir_ / "corrupt", ec);
  fs::rename(e.path, dir_ / "corrupt" / e.path.filename(), ec);
  if (ec) return;
  fsync_dir(dir_);
  files_.fetch_sub(1);
  bytes_.fetch_sub(std::min(bytes_.load(), e.bytes));
  quarantined_.fetch_add(1);
}

}  // namespace brokle::telemetry
