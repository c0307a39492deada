// Signals as bytes on a pipe, so that the event loop handles them in poll(2) like any other
// input, outside the signal handler.
#pragma once

#include <initializer_list>

namespace vt_pipe {

class SignalPipe {
 public:
  // Routes `signals` to the pipe (SA_RESTART). Throws SystemError. One per process.
  void install(std::initializer_list<int> signals);
  int readFd() const;
  // The next signal caught, or 0 when there is none.
  int next();
};

// Monotonic seconds.
double monotonicNow();

}  // namespace vt_pipe
