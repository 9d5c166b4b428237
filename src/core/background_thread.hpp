// Background work (store writers, the log writer) yields the CPU to threads that answer requests:
// on a small machine a writer's commit burst otherwise delays whole requests behind it. Under
// sustained overload the writers still run (nice 10 is a smaller share, not starvation), and
// their queues stay bounded as declared where they are.
#pragma once

namespace brokle {

// Lowers the calling thread's scheduling priority (Linux nice +10 for this thread only).
// Best effort: a failure leaves the priority as it was.
void mark_background_thread() noexcept;

}  // namespace brokle
