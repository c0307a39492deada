// The one clock of the core: monotonic milliseconds, for wake gaps and exit grace periods.
#pragma once

#include <chrono>
#include <cstdint>

namespace native_pty {

inline int64_t nowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace native_pty
