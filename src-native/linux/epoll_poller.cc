// The Linux backend's readiness and exit watching: epoll, an eventfd to interrupt the wait, and
// pidfds (Linux 5.3+) so that a child's exit is an event like any other.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>

#include "../core/backend.h"

namespace native_pty {
namespace {

constexpr uint64_t kNotifierToken = UINT64_MAX;
constexpr int kMaxEventsPerWait = 128;

uint32_t toEpoll(uint32_t events) {
  uint32_t out = 0;
  if (events & kReadable) out |= EPOLLIN;
  if (events & kWritable) out |= EPOLLOUT;
  return out;
}

uint32_t fromEpoll(uint32_t events) {
  uint32_t out = 0;
  if (events & EPOLLIN) out |= kReadable;
  if (events & EPOLLOUT) out |= kWritable;
  if (events & (EPOLLHUP | EPOLLERR)) out |= kHangup;
  return out;
}

int control(int epoll, int op, int fd, uint64_t token, uint32_t events) {
  struct epoll_event ev {};
  ev.events = toEpoll(events);
  ev.data.u64 = token;
  return ::epoll_ctl(epoll, op, fd, &ev) == 0 ? 0 : errno;
}

// NATIVE_PTY_DISABLE_PIDFD=1 takes the path of kernels without pidfd_open (before 5.3), so
// that the fallback is tested on kernels that have it.
bool pidfdDisabled() {
  static const bool disabled = std::getenv("NATIVE_PTY_DISABLE_PIDFD") != nullptr;
  return disabled;
}

}  // namespace

const char* const Poller::kControlCall = "epoll_ctl";

int Poller::open(const char** failedCall) {
  if (isOpen()) return 0;
  *failedCall = "epoll_create1";
  UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll) return errno;
  *failedCall = "eventfd";
  UniqueFd notifier(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!notifier) return errno;
  *failedCall = kControlCall;
  const int err = control(epoll.get(), EPOLL_CTL_ADD, notifier.get(), kNotifierToken, kReadable);
  if (err != 0) return err;
  queue_ = std::move(epoll);
  notifier_ = std::move(notifier);
  return 0;
}

int Poller::add(int fd, uint64_t token, uint32_t events) {
  return control(queue_.get(), EPOLL_CTL_ADD, fd, token, events);
}

int Poller::modify(int fd, uint64_t token, uint32_t events) {
  return control(queue_.get(), EPOLL_CTL_MOD, fd, token, events);
}

int Poller::remove(int fd) {
  return ::epoll_ctl(queue_.get(), EPOLL_CTL_DEL, fd, nullptr) == 0 ? 0 : errno;
}

int Poller::watchExit(pid_t pid, uint64_t token, ExitWatch* watch) {
#ifdef SYS_pidfd_open
  if (pidfdDisabled()) return ENOSYS;
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd) return errno;
  const int err = add(pidfd.get(), token, kReadable);
  if (err != 0) return err;
  watch->fd = std::move(pidfd);
  watch->pid = pid;
  watch->active = true;
  return 0;
#else
  return ENOSYS;
#endif
}

void Poller::unwatchExit(ExitWatch* watch) {
  if (!watch->active) return;
  remove(watch->fd.get());
  watch->fd.reset();
  watch->active = false;
}

void Poller::notify() {
  uint64_t one = 1;
  // EAGAIN means the counter is already non-zero: the wait will wake anyway.
  ssize_t ignored = ::write(notifier_.get(), &one, sizeof one);
  (void)ignored;
}

void Poller::wait(int timeoutMs, std::vector<PollEvent>* out) {
  out->clear();
  struct epoll_event events[kMaxEventsPerWait];
  // -1 is EINTR here (the fds are ours and valid): the caller's loop simply waits again.
  const int n = ::epoll_wait(queue_.get(), events, kMaxEventsPerWait, timeoutMs);
  for (int i = 0; i < n; ++i) {
    if (events[i].data.u64 == kNotifierToken) {
      uint64_t count;
      ssize_t ignored = ::read(notifier_.get(), &count, sizeof count);
      (void)ignored;
      continue;
    }
    out->push_back({events[i].data.u64, fromEpoll(events[i].events)});
  }
}

}  // namespace native_pty
