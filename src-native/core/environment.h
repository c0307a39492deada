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

  // The one way news reaches JavaScript. Any thread, with SessionManager's mutex held.
  // Wakes at once when the last wake is at least `gapMs` ago (so the first output after a
  // quiet spell is never delayed); otherwise the wake is deferred to lastWake + gapMs, so a
  // busy session costs one JavaScript turn per gap, not one per read. A gap of 0 wakes now.
  // Each wake drains every ready session, so a wake at once also serves deferred news.
  void requestWake(int64_t nowMs, int64_t gapMs);
  // When a deferred wake is due (-1: none).
  int64_t deferredWakeAt() const { return deferredAt_; }
  // Fires a deferred wake if its time has come.
  void fireDeferredWake(int64_t nowMs);

  // Sessions with output, an exit or drained input to report, in the order their news came.
  // A session is on it only while a wake is on its way (sent or deferred). Guarded by
  // SessionManager's mutex.
  std::vector<uint32_t> ready;

 protected:
  ~Environment() = default;
  // Whether a wake can be delivered now (the handle exists).
  virtual bool canWake() const = 0;
  // Delivers one wake to the JavaScript thread; any thread, under the mutex.
  virtual void wake() = 0;

 private:
  int64_t lastWakeMs_ = -1;
  int64_t deferredAt_ = -1;
};

}  // namespace native_pty
