#include "core/allocator.hpp"

#include <dlfcn.h>

#include <cstddef>

namespace brokle::allocator {

namespace {

// jemalloc's control interface: int mallctl(const char*, void* old, size_t* oldlen, void* new, size_t newlen).
using mallctl_fn = int (*)(const char*, void*, size_t*, void*, size_t);

mallctl_fn mallctl() {
  static const mallctl_fn fn = reinterpret_cast<mallctl_fn>(::dlsym(RTLD_DEFAULT, "mallctl"));
  return fn;
}

bool read_size(mallctl_fn ctl, const char* key, uint64_t& out) {
  size_t value = 0;
  size_t len = sizeof value;
  if (ctl(key, &value, &len, nullptr, 0) != 0 || len != sizeof value) return false;
  out = value;
  return true;
}

}  // namespace

std::string name() {
  mallctl_fn ctl = mallctl();
  if (!ctl) return "system";
  const char* version = nullptr;
  size_t len = sizeof version;
  if (ctl("version", &version, &len, nullptr, 0) != 0 || !version) return "jemalloc";
  return std::string("jemalloc ") + version;
}

std::optional<stats> current_stats() {
  mallctl_fn ctl = mallctl();
  if (!ctl) return std::nullopt;
  // Statistics are cached per epoch; advancing it refreshes them (jemalloc serializes this itself).
  uint64_t epoch = 1;
  size_t len = sizeof epoch;
  if (ctl("epoch", &epoch, &len, &epoch, sizeof epoch) != 0) return std::nullopt;
  stats s;
  if (!read_size(ctl, "stats.allocated", s.allocated) || !read_size(ctl, "stats.active", s.active) ||
      !read_size(ctl, "stats.resident", s.resident) || !read_size(ctl, "stats.retained", s.retained))
    return std::nullopt;
  return s;
}

}  // namespace brokle::allocator
