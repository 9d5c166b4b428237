#include "core/background_thread.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace brokle {

void mark_background_thread() noexcept {
  // On Linux, PRIO_PROCESS with a thread id sets that thread's nice value alone.
  auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  (void)::setpriority(PRIO_PROCESS, tid, 10);
}

}  // namespace brokle
