// Background work (store writers, the log writer) yields the CPU to threads that answer requests:
// on a small machine a writer's commit burst otherwise delays whole requests behind it. Under
// sustained overload the writers still run (nice 10 is a smaller share, not starvation), and
// their queues stay bounded as declared where they are.
//
// Every thread Brokle starts carries a name ("brokle-writer", "brokle-io-0", ...) so that
// `top -H`, `ps -L`, perf and gdb tell them apart.
#pragma once

namespace brokle {

// Names the calling thread (Linux keeps the first 15 characters). Best effort.
void name_this_thread(const char* name) noexcept;

// Names the calling thread and lowers its scheduling priority (Linux nice +10 for this thread
// only). Best effort: a failure leaves the priority as it was.
void mark_background_thread(const char* name) noexcept;

}  // namespace brokle
