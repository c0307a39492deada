// One pseudoterminal session: its master, its child, its bounded output buffer and its queue
// of input not yet taken by the kernel. Guarded by SessionManager's mutex.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "../posix/unique_fd.h"
#include "backend.h"
#include "output_buffer.h"

namespace native_pty {

class Environment;

// A session's life. The end of output (EIO: every slave fd is closed, or we closed the master)
// and the reaping of the child come in either order; the exit is reported once both happened.
//
//   kRunning --output ends--> kHungUp --reaped--> kFinished
//   kRunning --reaped-------> kReaped --output ends, or kExitGraceMs pass--> kFinished
enum class Phase {
  kRunning,   // the child runs and its terminal is open
  kHungUp,    // output has ended; the child has not been reaped yet
  kReaped,    // the child is reaped; descendants may still hold the terminal open
  kFinished,  // reaped and output ended: the exit can be reported, then the session erased
};

// How the news that queued input was taken reaches JavaScript.
enum class InputDrain {
  kNone,       // nobody waits for it
  kWanted,     // input reached kInputHighWaterMark: report when the queue is empty
  kReportable  // the queue emptied: the next drain carries the news ('drain' in JavaScript)
};

struct Session {
  uint32_t id = 0;
  pid_t pid = -1;
  // The environment (main thread or worker) that owns it; null once that environment has
  // gone, when the session only waits to be reaped and erased.
  Environment* owner = nullptr;
  // The longest output waits to be delivered while the session is busy (pollInterval in
  // JavaScript): news within this gap of the last wake waits for the gap to end.
  int64_t gapMs = 10;
  // The I/O thread stops reading the master while the buffer holds this much (the kernel then
  // blocks the child until JavaScript drains it). The highWaterMark option, set by add().
  size_t highWaterMark = 0;

  Phase phase = Phase::kRunning;
  UniqueFd master;
  ExitWatch exitWatch;       // what the backend needs to report the exit; inactive where
                             // exits are polled instead
  uint32_t registered = 0;   // PollEvents the master is registered for (0: not registered)

  OutputBuffer output;       // read from the master, not yet drained by JavaScript
  std::string input;         // written by JavaScript, not yet taken by the kernel
  size_t inputOffset = 0;
  InputDrain inputDrain = InputDrain::kNone;

  bool closeRequested = false;    // close() or environment cleanup; the I/O thread closes it
  bool paused = false;            // JavaScript holds output and the exit back
  bool echoAwaited = false;       // typed input awaits its echo: wake at once, not after a gap
  bool onReadyList = false;       // on the owner's ready list
  int exitCode = 0;
  int exitSignal = 0;
  int64_t graceDeadlineMs = -1;  // kReaped and reading: when to stop waiting for EOF

  bool outputEnded() const { return phase == Phase::kHungUp || phase == Phase::kFinished; }
  bool reaped() const { return phase == Phase::kReaped || phase == Phase::kFinished; }
  bool finished() const { return phase == Phase::kFinished; }
  // Exits of children without an exit watch are found by polling waitpid().
  bool exitPolled() const { return !reaped() && !exitWatch; }
  bool inGrace() const { return phase == Phase::kReaped && graceDeadlineMs >= 0; }

  size_t pendingInput() const { return input.size() - inputOffset; }
  // The terminal hung up or was closed: queued input can reach nobody any more. No 'drain'
  // follows; the exit does.
  void discardInput() {
    input.clear();
    inputOffset = 0;
    if (inputDrain == InputDrain::kWanted) inputDrain = InputDrain::kNone;
  }
};

}  // namespace native_pty
