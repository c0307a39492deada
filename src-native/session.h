// One pseudoterminal session: its master, its child, its bounded output buffer and its queue
// of input not yet taken by the kernel. Guarded by SessionManager's mutex.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "unique_fd.h"

namespace native_pty {

class EnvState;

struct Session {
  uint32_t id = 0;
  pid_t pid = -1;
  // The Node environment (main thread or worker) that owns it; null once that environment
  // has gone, when the session only waits to be reaped.
  EnvState* owner = nullptr;
  bool wake = false;  // delivery: 'wake'

  UniqueFd master;
  UniqueFd pidfd;            // invalid where pidfd_open is missing: exit is then polled
  uint32_t registered = 0;   // PollEvents the master is registered for (0: not registered)

  std::vector<char> output;  // read from the master, not yet drained by JavaScript
  std::string input;         // written by JavaScript, not yet taken by the kernel
  size_t inputOffset = 0;

  bool outputEnded = false;  // EIO/EOF on the master, or the master was closed
  bool closeRequested = false;  // close() or environment cleanup; the I/O thread closes it
  bool reaped = false;
  bool finished = false;     // reaped and output ended: the exit can be reported
  bool paused = false;
  bool inputSinceOutput = false;  // typed input awaits its echo: wake at once, not after a gap
  bool drainWanted = false;  // input reached its high-water mark: report when it is all taken
  bool inputDrained = false;  // ... and now it has been: JavaScript emits 'drain'
  bool queued = false;       // on the owner's ready list
  int exitCode = 0;
  int exitSignal = 0;
  int64_t graceDeadlineMs = -1;  // reaped, output not ended: when to stop waiting for EOF

  size_t pendingInput() const { return input.size() - inputOffset; }
  // The terminal hung up or was closed: queued input can reach nobody any more. No 'drain'
  // follows; the exit does.
  void discardInput() {
    input.clear();
    inputOffset = 0;
    drainWanted = false;
  }
};

}  // namespace native_pty
