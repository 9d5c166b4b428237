// Which malloc the process runs on, and its own accounting when it keeps one. Release builds link
// jemalloc into the brokle binary (docs/build.md, "Memory allocator": measured faster than glibc's
// malloc on the gateway path); sanitizer builds keep the system allocator, which ASan replaces.
// Detection is at run time (the jemalloc control entry point looked up by name), so this file
// needs neither jemalloc's header nor its library, and an LD_PRELOADed jemalloc is seen too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace brokle::allocator {

// "jemalloc 5.3.0-0-g54eaed1d8b56b1aa528be3bdd1877e59c56fa90c", or "system" when malloc is libc's.
std::string name();

struct stats {
  uint64_t allocated = 0;  // bytes handed out to the program
  uint64_t active = 0;     // bytes in pages that hold allocations
  uint64_t resident = 0;   // bytes of allocator memory resident in RAM (includes its metadata)
  uint64_t retained = 0;   // bytes kept mapped but returned to the OS (virtual only)
};

// A fresh snapshot; empty when the allocator keeps no statistics brokle can read. Thread-safe.
std::optional<stats> current_stats();

}  // namespace brokle::allocator
