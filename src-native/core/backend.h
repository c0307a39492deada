// What each operating system provides to the platform-neutral core: readiness of fds, exit
// of children, the names of processes and threads. Linux implements it in linux/ (epoll,
// pidfd, /proc); a macOS backend implements the same with kqueue (EVFILT_READ/WRITE/PROC/USER)
// and libproc.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "../posix/unique_fd.h"

namespace native_pty {

enum PollEvents : uint32_t {
  kReadable = 1u << 0,
  kWritable = 1u << 1,
  kHangup = 1u << 2,  // peer closed or error: always reported, whatever was asked for
};

struct PollEvent {
  uint64_t token;
  uint32_t events;
};

// What the backend holds while it watches a child's exit: a pidfd on Linux; on macOS the
// kqueue itself keeps the EVFILT_PROC filter, so only the pid is needed to remove it.
struct ExitWatch {
  UniqueFd fd;
  pid_t pid = 0;
  bool active = false;
  explicit operator bool() const { return active; }
};

class Poller {
 public:
  Poller() = default;
  ~Poller() = default;
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Creates the kernel objects; 0, or an errno value with the failed call's name in
  // `failedCall`. Nothing else may be called before it succeeded; once open, it does nothing.
  int open(const char** failedCall);
  // The system call behind add(), modify() and remove(), for error reports.
  static const char* const kControlCall;
  bool isOpen() const { return queue_.valid(); }

  // All of these may be called from any thread, also while another thread is in wait().
  // They return 0 or an errno value.
  int add(int fd, uint64_t token, uint32_t events);
  int modify(int fd, uint64_t token, uint32_t events);
  int remove(int fd);

  // Arranges for the exit of child `pid` to be reported as a kReadable event with `token`;
  // `watch` keeps whatever that takes. Returns 0, or an errno value when this system cannot
  // watch it (ENOSYS before Linux 5.3): the core then polls waitpid() instead.
  int watchExit(pid_t pid, uint64_t token, ExitWatch* watch);
  void unwatchExit(ExitWatch* watch);

  // Interrupts a wait() in progress (or the next one).
  void notify();

  // Waits up to timeoutMs (-1: no limit); fills `out`. A notify() shows up as no event.
  void wait(int timeoutMs, std::vector<PollEvent>* out);

 private:
  UniqueFd queue_;     // the epoll or kqueue instance
  UniqueFd notifier_;  // what notify() signals (an eventfd on Linux; unused with kqueue)
};

// The kernel's short name of a process ("bash", "vim"), or "" when it is gone or unknown.
std::string processName(pid_t pid);

// Names the calling thread as `top -H`, `ps -L`, `perf` and debuggers show it (at most 15
// characters on Linux). Best effort: a name is a diagnostic, never a reason to fail.
void nameThisThread(const char* name);

// Hands memory the allocator holds free back to the kernel, where the allocator keeps it
// otherwise (glibc keeps freed chunks of a thread's arena mapped); a no-op elsewhere.
void releaseFreeMemory();

}  // namespace native_pty
