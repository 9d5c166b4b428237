// One place that initialises libsodium. Every module that draws random bytes or uses sodium's
// primitives calls ensure_sodium() first; the call is cheap after the first time.
#pragma once

namespace brokle {

// Thread-safe and idempotent. If libsodium cannot initialise (no entropy source), nothing that
// depends on it can be trusted, so the process aborts with a message on stderr.
void ensure_sodium();

}  // namespace brokle
