#include "node_environment.h"

namespace native_pty {

NodeEnvironment::NodeEnvironment(Napi::Env env) : env_(env) {}

void NodeEnvironment::setWakeHandler(Napi::Function handler) {
  handler_ = Napi::Persistent(handler);
  if (asyncContext_ == nullptr) {
    Napi::String name = Napi::String::New(env_, "native-pty:wake");
    NAPI_THROW_IF_FAILED_VOID(env_, napi_async_init(env_, nullptr, name, &asyncContext_));
  }
  if (asyncOpen_) return;
  uv_loop_s* loop = nullptr;
  NAPI_THROW_IF_FAILED_VOID(env_, napi_get_uv_event_loop(env_, &loop));
  if (uv_async_init(loop, &async_, &NodeEnvironment::onWake) != 0) {
    throw Napi::Error::New(env_, "native-pty: cannot create the wake-up handle");
  }
  async_.data = this;
  uv_unref(reinterpret_cast<uv_handle_t*>(&async_));
  asyncOpen_ = true;
}

void NodeEnvironment::setWakeRef(bool ref) {
  if (!asyncOpen_) return;
  auto* handle = reinterpret_cast<uv_handle_t*>(&async_);
  if (ref) {
    uv_ref(handle);
  } else {
    uv_unref(handle);
  }
}

void NodeEnvironment::onWake(uv_async_t* handle) {
  static_cast<NodeEnvironment*>(handle->data)->callHandler();
}

// Runs from libuv, outside any JavaScript call, so nothing here may throw: while a worker is
// being terminated every Node-API call can fail, and an exception would end the process.
// Hence the C API with its status codes rather than node-addon-api's throwing wrappers.
void NodeEnvironment::callHandler() {
  if (handler_.IsEmpty()) return;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env_, &scope) != napi_ok) return;
  napi_value receiver;
  napi_value handler;
  napi_value result;
  if (napi_get_global(env_, &receiver) == napi_ok &&
      napi_get_reference_value(env_, handler_, &handler) == napi_ok && handler != nullptr) {
    // A callback scope, so that promise jobs and nextTicks queued by the handler run after it.
    napi_status status =
        napi_make_callback(env_, asyncContext_, receiver, handler, 0, nullptr, &result);
    bool pending = false;
    if (status != napi_ok && napi_is_exception_pending(env_, &pending) == napi_ok && pending) {
      napi_value error;
      // Surfaces as 'uncaughtException', as a throwing listener would. While the environment
      // is terminating, there is nobody left to tell.
      if (napi_get_and_clear_last_exception(env_, &error) == napi_ok) {
        napi_fatal_exception(env_, error);
      }
    }
  }
  napi_close_handle_scope(env_, scope);
}

void NodeEnvironment::shutdown() {
  handler_.Reset();
  if (asyncContext_ != nullptr) napi_async_destroy(env_, asyncContext_);
  asyncContext_ = nullptr;
  if (!asyncOpen_) {
    delete this;
    return;
  }
  asyncOpen_ = false;
  uv_close(reinterpret_cast<uv_handle_t*>(&async_), [](uv_handle_t* handle) {
    delete static_cast<NodeEnvironment*>(handle->data);
  });
}

}  // namespace native_pty
