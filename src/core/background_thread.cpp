#include "core/background_thread.hpp"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

namespace brokle {

void name_this_thread(const char* name) noexcept {
  char buf[16];  // the kernel's TASK_COMM_LEN, terminator included
  std::strncpy(buf, name, sizeof buf - 1);
  buf[sizeof buf - 1] = '\0';
  (void)::pthread_setname_np(::pthread_self(), buf);
}

void mark_background_thread(const char* name) noexcept {
  name_this_thread(name);
  // On Linux, PRIO_PROCESS with a thread id sets that thread's nice value alone.
  auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  (void)::setpriority(PRIO_PROCESS, tid, 10);
}

}  // namespace brokle
