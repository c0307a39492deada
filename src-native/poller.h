// The readiness interface the I/O thread is written against. Linux implements it with epoll;
// a kqueue backend can implement the same interface on macOS.
#pragma once

#include <cstdint>
#include <vector>

#include "unique_fd.h"

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

class Poller {
 public:
  Poller();
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // All of these may be called from any thread, also while another thread is in wait().
  // They return 0 or an errno value.
  int add(int fd, uint64_t token, uint32_t events);
  int modify(int fd, uint64_t token, uint32_t events);
  int remove(int fd);
  // Interrupts a wait() in progress (or the next one).
  void notify();

  // Waits up to timeoutMs (-1: no limit); fills `out`. A notify() shows up as no event.
  void wait(int timeoutMs, std::vector<PollEvent>* out);

 private:
  UniqueFd epoll_;
  UniqueFd notifier_;
};

}  // namespace native_pty
