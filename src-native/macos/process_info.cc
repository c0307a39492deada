// The macOS backend's view of processes: libproc instead of /proc, thread names and the malloc zones.
#include <libproc.h>
#include <malloc/malloc.h>
#include <pthread.h>
#include <sys/param.h>

#include <string>

#include "../core/backend.h"

namespace native_pty {

std::string processName(pid_t pid) {
  char name[2 * MAXCOMLEN + 1];
  const int n = ::proc_name(pid, name, sizeof name);
  return n > 0 ? std::string(name, static_cast<size_t>(n)) : std::string();
}

void nameThisThread(const char* name) { (void)::pthread_setname_np(name); }  // this thread only

void releaseFreeMemory() {
  // macOS's counterpart of glibc's malloc_trim: every zone returns the free pages it can.
  ::malloc_zone_pressure_relief(nullptr, 0);
}

}  // namespace native_pty
