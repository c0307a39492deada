#include "node_environment.h"

namespace native_pty {

NodeEnvironment::NodeEnvironment(Napi::Env env) : env_(env) {}

void NodeEnvironment::setWakeHandler(Napi::Function handler, bool threadsafe) {
  if (threadsafe) {
    if (tsfn_ != nullptr) return;
    Napi::String name = Napi::String::New(env_, "native-pty:wake");
    NAPI_THROW_IF_FAILED_VOID(env_, napi_create_threadsafe_function(env_, handler, nullptr, name, 0, 1, this,
                                                                   &NodeEnvironment::finalizeTsfn, this,
                                                                   &NodeEnvironment::callFromTsfn, &tsfn_));
    napi_unref_threadsafe_function(env_, tsfn_);
    return;
  }
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

void NodeEnvironment::wake() {
  if (tsfn_ == nullptr) {
    uv_async_send(&async_);
  } else if (!tsfnCallQueued_.exchange(true)) {
    napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking);
  }
}

void NodeEnvironment::setWakeRef(bool ref) {
  if (tsfn_ != nullptr) {
    if (ref) napi_ref_threadsafe_function(env_, tsfn_);
    else napi_unref_threadsafe_function(env_, tsfn_);
    return;
  }
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
    reportException(env_, napi_make_callback(env_, asyncContext_, receiver, handler, 0, nullptr, &result));
  }
  napi_close_handle_scope(env_, scope);
}

// Surfaces a throwing handler as 'uncaughtException', as a throwing listener would. While the
// environment is terminating, there is nobody left to tell.
void NodeEnvironment::reportException(napi_env env, napi_status status) {
  bool pending = false;
  if (status != napi_ok && napi_is_exception_pending(env, &pending) == napi_ok && pending) {
    napi_value error;
    if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
  }
}

// The thread-safe function's call: Node-API gives it the scopes a libuv callback lacks.
void NodeEnvironment::callFromTsfn(napi_env env, napi_value handler, void* context, void*) {
  static_cast<NodeEnvironment*>(context)->tsfnCallQueued_ = false;  // wakes from now on queue another
  if (env == nullptr || handler == nullptr) return;                  // the function is being torn down
  napi_value receiver;
  napi_value result;
  if (napi_get_global(env, &receiver) != napi_ok) return;
  reportException(env, napi_call_function(env, receiver, handler, 0, nullptr, &result));
}

void NodeEnvironment::finalizeTsfn(napi_env, void* data, void*) {
  delete static_cast<NodeEnvironment*>(data);
}

void NodeEnvironment::shutdown() {
  if (tsfn_ != nullptr) {
    // The finalizer frees this object once the function has been torn down.
    napi_threadsafe_function tsfn = tsfn_;
    tsfn_ = nullptr;
    napi_release_threadsafe_function(tsfn, napi_tsfn_abort);
    return;
  }
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
