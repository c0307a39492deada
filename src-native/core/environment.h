// One consumer of sessions: a Node environment (the main thread or a worker). The core keeps
// its ready list and decides when to wake it; how a wake reaches it is the subclass's business
// (node/node_environment.h: a libuv async handle).
#pragma once

#include <cstdint>
#include <vector>

namespace native_pty {

class Environment {
 public:
  Environment() = default;
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  // Any thread, with SessionManager's mutex held. Wakes at once after a quiet spell; within
  // kWakeGapMs of the last wake it only marks a wake as due, so a burst of small reads costs
  // one JavaScript turn per gap, not one each. `urgent` (a full buffer) skips the gap.
  void requestWake(int64_t nowMs, bool urgent);
  // When a deferred wake is due (-1: none).
  int64_t deferredWakeAt() const { return wakeDeferred_ ? lastWakeMs_ + kWakeGapMs : -1; }
  // Fires a deferred wake if its time has come.
  void fireDeferredWake(int64_t nowMs);

  static constexpr int64_t kWakeGapMs = 1;

  // Sessions with output, an exit or drained input to report, in the order their news came.
  // Guarded by SessionManager's mutex.
  std::vector<uint32_t> ready;
  // JavaScript stopped its timer: the next news must wake it. Guarded likewise.
  bool parked = false;

 protected:
  ~Environment() = default;
  // Whether a wake can be delivered now (the handle exists).
  virtual bool canWake() const = 0;
  // Delivers one wake to the JavaScript thread; any thread, under the mutex.
  virtual void wake() = 0;

 private:
  int64_t lastWakeMs_ = -1;
  bool wakeDeferred_ = false;
};

}  // namespace native_pty
