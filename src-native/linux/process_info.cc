// The Linux backend's view of processes: /proc, this process's thread names and its allocator.
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <unistd.h>

#include <string>

#include "../core/backend.h"

namespace native_pty {

std::string processName(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/comm";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return "";
  char name[64];
  const ssize_t n = ::read(fd.get(), name, sizeof name);
  if (n <= 0) return "";
  return std::string(name, name[n - 1] == '\n' ? n - 1 : n);
}

void nameThisThread(const char* name) { (void)::pthread_setname_np(::pthread_self(), name); }

void releaseFreeMemory() {
#ifdef __GLIBC__
  // Every arena, and the free pages inside them (glibc 2.8+), not just the top of the heap.
  ::malloc_trim(0);
#endif
}

}  // namespace native_pty
