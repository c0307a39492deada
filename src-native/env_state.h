// Per-environment state (the main thread and each worker are separate Node environments):
// the list of sessions with news, and the wake-up of that environment's JavaScript thread.
#pragma once

#include <napi.h>
#include <uv.h>

#include <cstdint>
#include <vector>

namespace native_pty {

class EnvState {
 public:
  explicit EnvState(Napi::Env env);
  EnvState(const EnvState&) = delete;
  EnvState& operator=(const EnvState&) = delete;

  napi_env env() const { return env_; }

  // JavaScript thread. The handler runs on this environment's thread when requestWake() was
  // called; the handle starts unref'd, and keeps the event loop alive only via setWakeRef().
  void setWakeHandler(Napi::Function handler);

  // Any thread, with SessionManager's mutex held (which also orders it against shutdown()).
  // Wakes at once after a quiet spell; within kWakeGapMs of the last wake it only marks a
  // wake as due, so a burst of small reads costs one JavaScript turn per gap, not one each.
  // `urgent` (a full buffer) skips the gap.
  void requestWake(int64_t nowMs, bool urgent);
  // When a deferred wake is due (-1: none). Fires it if that time has come.
  int64_t deferredWakeAt() const { return wakeDeferred_ ? lastWakeMs_ + kWakeGapMs : -1; }
  void fireDeferredWake(int64_t nowMs);

  static constexpr int64_t kWakeGapMs = 1;

  // JavaScript thread, at environment cleanup, after SessionManager forgot this environment
  // (under its mutex, so no thread calls requestWake() any more). Frees the object.
  void shutdown();

  // JavaScript thread: whether the wake-up handle keeps the event loop alive (it does while
  // the poller is parked with sessions that should keep Node running).
  void setWakeRef(bool ref);

  // Sessions with output or an exit to report; guarded by SessionManager's mutex.
  std::vector<uint32_t> ready;
  // The poller's timer is stopped: the next news must wake it. Guarded likewise.
  bool parked = false;

 private:
  ~EnvState() = default;
  static void onWake(uv_async_t* handle);
  void callHandler();

  napi_env env_;
  uv_async_t async_{};
  bool asyncOpen_ = false;
  int64_t lastWakeMs_ = -1;
  bool wakeDeferred_ = false;
  Napi::FunctionReference handler_;
  napi_async_context asyncContext_ = nullptr;
};

}  // namespace native_pty
