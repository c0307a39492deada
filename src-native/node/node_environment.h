// A Node environment (the main thread or a worker) as the core sees it: its wake-up reaches
// JavaScript through a libuv async handle that calls the wake handler (src/delivery.ts), or,
// where libuv is only emulated (Deno), through a Node-API thread-safe function.
#pragma once

#include <napi.h>
#include <uv.h>

#include <atomic>

#include "../core/environment.h"
#include "output_values.h"

namespace native_pty {

class NodeEnvironment final : public Environment {
 public:
  explicit NodeEnvironment(Napi::Env env);

  napi_env env() const { return env_; }
  // How drained output becomes JavaScript values for this environment's sessions.
  OutputValues& outputValues() { return outputValues_; }

  // JavaScript thread. The handler runs on this environment's thread after a wake; the handle
  // starts unref'd, and keeps the event loop alive only via setWakeRef(). `threadsafe` picks a
  // thread-safe function over the libuv handle (Deno calls a libuv callback with no V8 scope).
  void setWakeHandler(Napi::Function handler, bool threadsafe);
  // JavaScript thread: whether the wake-up handle keeps the event loop alive (it does while a
  // ref'd session lives; nothing else holds the loop for them).
  void setWakeRef(bool ref);

  // JavaScript thread, at environment cleanup, after SessionManager forgot this environment
  // (under its mutex, so no thread wakes it any more). Frees the object.
  void shutdown();

 private:
  ~NodeEnvironment() = default;
  bool canWake() const override { return asyncOpen_ || tsfn_ != nullptr; }
  void wake() override;
  static void onWake(uv_async_t* handle);
  void callHandler();
  static void callFromTsfn(napi_env env, napi_value handler, void* context, void* data);
  static void finalizeTsfn(napi_env env, void* data, void* hint);
  static void reportException(napi_env env, napi_status status);

  napi_env env_;
  OutputValues outputValues_;
  uv_async_t async_{};
  bool asyncOpen_ = false;
  Napi::FunctionReference handler_;
  napi_async_context asyncContext_ = nullptr;
  // The thread-safe function's way: one call queued at a time (wakes coalesce as uv_async's do).
  napi_threadsafe_function tsfn_ = nullptr;
  std::atomic<bool> tsfnCallQueued_{false};
};

}  // namespace native_pty
