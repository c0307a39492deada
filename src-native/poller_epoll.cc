// Only Linux has a backend so far. Without this, a macOS build (package.json lists darwin, and
// npm compiles where no prebuild fits) would stop at a missing <sys/epoll.h>, which tells the
// user nothing.
#if !defined(__linux__)
#error "native-pty supports only Linux so far: the kqueue backend for macOS and the BSDs is not written yet (see the README's Install section)."
#endif

#include <sys/epoll.h>
#include <sys/eventfd.h>

#include <cerrno>
#include <cstdint>
#include <new>

#include "poller.h"

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

}  // namespace

Poller::Poller()
    : epoll_(::epoll_create1(EPOLL_CLOEXEC)), notifier_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (!epoll_ || !notifier_) throw std::bad_alloc();
  add(notifier_.get(), kNotifierToken, kReadable);
}

Poller::~Poller() = default;

int Poller::add(int fd, uint64_t token, uint32_t events) {
  struct epoll_event ev {};
  ev.events = toEpoll(events);
  ev.data.u64 = token;
  return ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : errno;
}

int Poller::modify(int fd, uint64_t token, uint32_t events) {
  struct epoll_event ev {};
  ev.events = toEpoll(events);
  ev.data.u64 = token;
  return ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev) == 0 ? 0 : errno;
}

int Poller::remove(int fd) {
  return ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr) == 0 ? 0 : errno;
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
  int n = ::epoll_wait(epoll_.get(), events, kMaxEventsPerWait, timeoutMs);
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
