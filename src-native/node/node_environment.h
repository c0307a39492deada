// A Node environment (the main thread or a worker) as the core sees it: its wake-up reaches
// JavaScript through a libuv async handle that calls the wake handler (src/delivery.ts).
#pragma once

#include <napi.h>
#include <uv.h>

#include "../core/environment.h"

namespace native_pty {

class NodeEnvironment final : public Environment {
 public:
  explicit NodeEnvironment(Napi::Env env);

  napi_env env() const { return env_; }

  // JavaScript thread. The handler runs on this environment's thread after a wake; the handle
  // starts unref'd, and keeps the event loop alive only via setWakeRef().
  void setWakeHandler(Napi::Function handler);
  // JavaScript thread: whether the wake-up handle keeps the event loop alive (it does while a
  // ref'd session lives; nothing else holds the loop for them).
  void setWakeRef(bool ref);

  // JavaScript thread, at environment cleanup, after SessionManager forgot this environment
  // (under its mutex, so no thread wakes it any more). Frees the object.
  void shutdown();

 private:
  ~NodeEnvironment() = default;
  bool canWake() const override { return asyncOpen_; }
  void wake() override { uv_async_send(&async_); }
  static void onWake(uv_async_t* handle);
  void callHandler();

  napi_env env_;
  uv_async_t async_{};
  bool asyncOpen_ = false;
  Napi::FunctionReference handler_;
  napi_async_context asyncContext_ = nullptr;
};

}  // namespace native_pty
