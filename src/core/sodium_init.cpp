#include "core/sodium_init.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace brokle {

void ensure_sodium() {
  // A function-local static gives us a once-only, thread-safe initialisation; sodium_init() is
  // itself idempotent (returns 1 when already done), so racing with other callers is harmless.
  static const bool ready = [] {
    if (sodium_init() < 0) {
      std::fputs("brokle: fatal: libsodium failed to initialise (no usable entropy source?)\n", stderr);
      std::abort();
    }
    return true;
  }();
  (void)ready;
}

}  // namespace brokle
