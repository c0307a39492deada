// The macOS backend's readiness and exit watching: one kqueue with EVFILT_READ/EVFILT_WRITE per
// fd, EVFILT_PROC (NOTE_EXIT) for children and EVFILT_USER to interrupt the wait. Level-
// triggered like the Linux epoll backend, so the core sees the same events on both.
// Built for macOS and linked in CI; not yet run on a Mac (see the README's platform table).
#include <fcntl.h>
#include <sys/event.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "../core/backend.h"

namespace native_pty {
namespace {

constexpr uintptr_t kNotifierIdent = 0;
constexpr int kMaxEventsPerWait = 128;

void* toUdata(uint64_t token) { return reinterpret_cast<void*>(static_cast<uintptr_t>(token)); }
uint64_t fromUdata(void* udata) { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(udata)); }

// Applies `count` (at most 2) changes; EV_RECEIPT makes kevent report each one's result instead
// of events. Returns the first error other than `ignored` (ENOENT when removing), or 0.
int apply(int queue, struct kevent* changes, int count, int ignored = 0) {
  for (int i = 0; i < count; ++i) changes[i].flags |= EV_RECEIPT;
  struct kevent results[2];
  const int n = ::kevent(queue, changes, count, results, count, nullptr);
  if (n < 0) return errno;
  for (int i = 0; i < n; ++i) {
    const int err = (results[i].flags & EV_ERROR) ? static_cast<int>(results[i].data) : 0;
    if (err != 0 && err != ignored) return err;
  }
  return 0;
}

// Registers both filters of fd, each enabled or disabled as `events` asks.
int control(int queue, int fd, uint64_t token, uint32_t events) {
  struct kevent changes[2];
  const uint16_t read = (events & kReadable) ? EV_ENABLE : EV_DISABLE;
  const uint16_t write = (events & kWritable) ? EV_ENABLE : EV_DISABLE;
  EV_SET(&changes[0], fd, EVFILT_READ, EV_ADD | read, 0, 0, toUdata(token));
  EV_SET(&changes[1], fd, EVFILT_WRITE, EV_ADD | write, 0, 0, toUdata(token));
  return apply(queue, changes, 2);
}

uint32_t fromKevent(const struct kevent& ev) {
  uint32_t out = 0;
  if (ev.filter == EVFILT_READ || ev.filter == EVFILT_PROC) out |= kReadable;
  if (ev.filter == EVFILT_WRITE) out |= kWritable;
  if (ev.flags & (EV_EOF | EV_ERROR)) out |= kHangup;
  return out;
}

}  // namespace

const char* const Poller::kControlCall = "kevent";

int Poller::open(const char** failedCall) {
  if (isOpen()) return 0;
  *failedCall = "kqueue";
  UniqueFd queue(::kqueue());
  if (!queue) return errno;
  if (::fcntl(queue.get(), F_SETFD, FD_CLOEXEC) != 0) return errno;
  *failedCall = kControlCall;
  struct kevent change;
  EV_SET(&change, kNotifierIdent, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, nullptr);
  const int err = apply(queue.get(), &change, 1);
  if (err != 0) return err;
  queue_ = std::move(queue);
  return 0;
}

int Poller::add(int fd, uint64_t token, uint32_t events) { return control(queue_.get(), fd, token, events); }

int Poller::modify(int fd, uint64_t token, uint32_t events) {
  return control(queue_.get(), fd, token, events);
}

int Poller::remove(int fd) {
  struct kevent changes[2];
  EV_SET(&changes[0], fd, EVFILT_READ, EV_DELETE, 0, 0, nullptr);
  EV_SET(&changes[1], fd, EVFILT_WRITE, EV_DELETE, 0, 0, nullptr);
  return apply(queue_.get(), changes, 2, ENOENT);
}

int Poller::watchExit(pid_t pid, uint64_t token, ExitWatch* watch) {
  struct kevent change;
  EV_SET(&change, pid, EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, toUdata(token));
  // ESRCH: it has exited already; the core then finds the exit by polling waitpid().
  const int err = apply(queue_.get(), &change, 1);
  if (err != 0) return err;
  watch->pid = pid;
  watch->active = true;
  return 0;
}

void Poller::unwatchExit(ExitWatch* watch) {
  if (!watch->active) return;
  struct kevent change;
  // Gone already when the one-shot filter fired: ENOENT then means nothing.
  EV_SET(&change, watch->pid, EVFILT_PROC, EV_DELETE, 0, 0, nullptr);
  apply(queue_.get(), &change, 1, ENOENT);
  watch->active = false;
}

void Poller::notify() {
  struct kevent change;
  EV_SET(&change, kNotifierIdent, EVFILT_USER, 0, NOTE_TRIGGER, 0, nullptr);
  ::kevent(queue_.get(), &change, 1, nullptr, 0, nullptr);
}

void Poller::wait(int timeoutMs, std::vector<PollEvent>* out) {
  out->clear();
  struct kevent events[kMaxEventsPerWait];
  struct timespec timeout {};
  timeout.tv_sec = timeoutMs / 1000;
  timeout.tv_nsec = static_cast<long>(timeoutMs % 1000) * 1000000L;
  // -1 is EINTR here: the caller's loop simply waits again.
  const int n = ::kevent(queue_.get(), nullptr, 0, events, kMaxEventsPerWait, timeoutMs < 0 ? nullptr : &timeout);
  for (int i = 0; i < n; ++i) {
    if (events[i].filter == EVFILT_USER) continue;
    const uint64_t token = fromUdata(events[i].udata);
    const uint32_t flags = fromKevent(events[i]);
    // epoll reports an fd once with all its events, kqueue once per filter: merged, so the
    // core handles each fd once per wait on both systems.
    bool merged = false;
    for (PollEvent& seen : *out) {
      if (seen.token == token) {
        seen.events |= flags;
        merged = true;
        break;
      }
    }
    if (!merged) out->push_back({token, flags});
  }
}

}  // namespace native_pty
