// The Node-API surface: argument checking, conversion, and the environment cleanup hook.
// The contract is documented in src/native.ts.
#include <dlfcn.h>
#include <napi.h>
#include <signal.h>

#include <cstdint>
#include <string>

#include "../core/session_manager.h"
#include "arguments.h"
#include "js_error.h"
#include "node_environment.h"

namespace native_pty {
namespace {

constexpr int64_t kMaxSessionId = 0xffffffffLL;
constexpr int64_t kMaxSignal = NSIG - 1;
constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

NodeEnvironment* envOf(const Napi::CallbackInfo& info) { return static_cast<NodeEnvironment*>(info.Data()); }
SessionManager& manager() { return SessionManager::instance(); }

uint32_t sessionIdArg(const Napi::CallbackInfo& info) {
  return static_cast<uint32_t>(integerArg(argumentAt(info, 0, "id"), "id", 0, kMaxSessionId));
}

unsigned short dimensionArg(const Napi::Value& value, const std::string& name, int64_t min) {
  return static_cast<unsigned short>(integerArg(value, name, min, kMaxDimension));
}

// The request's fields; -1 as uid or gid keeps the parent's.
SpawnSpec spawnSpecArg(const Napi::Object& request) {
  SpawnSpec spec;
  spec.file = stringArg(request.Get("file"), "request.file");
  if (spec.file.empty()) throw invalidArgValue(request.Get("file"), "request.file", "must not be empty");
  spec.args = stringArrayArg(request.Get("args"), "request.args");
  spec.env = stringArrayArg(request.Get("env"), "request.env");
  spec.cwd = stringArg(request.Get("cwd"), "request.cwd");
  spec.cols = dimensionArg(request.Get("cols"), "request.cols", 1);
  spec.rows = dimensionArg(request.Get("rows"), "request.rows", 1);
  spec.uid = integerArg(request.Get("uid"), "request.uid", -1, kMaxId);
  spec.gid = integerArg(request.Get("gid"), "request.gid", -1, kMaxId);
  return spec;
}

Napi::Value Spawn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Value requestValue = argumentAt(info, 0, "request");
  if (!requestValue.IsObject()) throw invalidArgType(requestValue, "request", "of type object");
  const Napi::Object request = requestValue.As<Napi::Object>();
  const SpawnSpec spec = spawnSpecArg(request);
  const int64_t gapMs = integerArg(request.Get("gapMs"), "request.gapMs", 0, kMaxGapMs);
  // Optional: the default is the manager's.
  const Napi::Value hwm = request.Get("highWaterMark");
  const int64_t highWaterMark =
      hwm.IsUndefined() ? static_cast<int64_t>(SessionManager::kHighWaterMark)
                        : integerArg(hwm, "request.highWaterMark", kMinHighWaterMark, kMaxHighWaterMark);
  // Optional: false (Buffers) by default.
  const Napi::Value textValue = request.Get("text");
  const bool text = !textValue.IsUndefined() && booleanArg(textValue, "request.text");
  pid_t pid;
  std::string ptsName;
  uint32_t id;
  try {
    SpawnedChild child = spawnInPty(spec);
    pid = child.pid;
    ptsName = child.ptsName;
    id = manager().add(envOf(info), std::move(child), gapMs, static_cast<size_t>(highWaterMark));
    // Before anything can be drained: the JavaScript thread drains, and it is here.
    if (text) envOf(info)->outputValues().setText(id);
  } catch (SystemError& error) {
    error.context = "spawn " + spec.file;
    throw toJsError(env, error);
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("id", id);
  result.Set("pid", pid);
  result.Set("ptsName", ptsName);
  return result;
}

Napi::Value Write(const Napi::CallbackInfo& info) {
  const uint32_t id = sessionIdArg(info);
  Napi::Value data = argumentAt(info, 1, "data");
  size_t queued;
  if (data.IsString()) {
    const std::string text = data.As<Napi::String>().Utf8Value();
    queued = manager().write(envOf(info), id, text.data(), text.size());
  } else if (data.IsTypedArray() &&
             data.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
    Napi::Uint8Array bytes = data.As<Napi::Uint8Array>();
    queued = manager().write(envOf(info), id, reinterpret_cast<const char*>(bytes.Data()),
                             bytes.ByteLength());
  } else {
    throw invalidArgType(data, "data", "of type string or an instance of Buffer or Uint8Array");
  }
  return Napi::Number::New(info.Env(), static_cast<double>(queued));
}

Napi::Value Read(const Napi::CallbackInfo& info) {
  const uint32_t id = sessionIdArg(info);
  const BlockPtr block = manager().drainOne(envOf(info), id);
  if (!block) return info.Env().Null();
  return Napi::Buffer<char>::Copy(info.Env(), block->data(), block->size);
}

Napi::Value ReadAll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  size_t maxBytes = SIZE_MAX;
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    maxBytes = static_cast<size_t>(integerArg(info[0], "maxBytes", 1, kMaxSafeInteger));
  }
  std::vector<Drained> drained = manager().drainReady(envOf(info), maxBytes);
  OutputValues& values = envOf(info)->outputValues();
  // BATCH_STRIDE in src/native.ts: [id, data, exitCode, signal, inputDrained] per entry. A
  // session's drain may take several entries (output in pieces, see output_values.h): the exit
  // and the news of drained input come with its last.
  Napi::Array batch = Napi::Array::New(env);
  uint32_t slot = 0;
  std::vector<Napi::Value> pieces;
  for (Drained& item : drained) {
    pieces.clear();
    values.take(env, item.id, std::move(item.data), item.finished, &pieces);
    if (pieces.empty()) pieces.push_back(env.Null());
    for (size_t i = 0; i < pieces.size(); ++i) {
      const bool last = i + 1 == pieces.size();
      batch.Set(slot++, Napi::Number::New(env, item.id));
      batch.Set(slot++, pieces[i]);
      batch.Set(slot++, Napi::Number::New(env, last && item.finished ? item.exitCode : -1));
      batch.Set(slot++, Napi::Number::New(env, last && item.finished ? item.exitSignal : 0));
      batch.Set(slot++, Napi::Boolean::New(env, last && item.inputDrained));
    }
  }
  return batch;
}

void Resize(const Napi::CallbackInfo& info) {
  const uint32_t id = sessionIdArg(info);
  const unsigned short cols = dimensionArg(argumentAt(info, 1, "cols"), "cols", 1);
  const unsigned short rows = dimensionArg(argumentAt(info, 2, "rows"), "rows", 1);
  const unsigned short xpixel = dimensionArg(argumentAt(info, 3, "xpixel"), "xpixel", 0);
  const unsigned short ypixel = dimensionArg(argumentAt(info, 4, "ypixel"), "ypixel", 0);
  manager().resize(envOf(info), id, cols, rows, xpixel, ypixel);
}

void Kill(const Napi::CallbackInfo& info) {
  const uint32_t id = sessionIdArg(info);
  const int signal = static_cast<int>(integerArg(argumentAt(info, 1, "signal"), "signal", 0, kMaxSignal));
  const auto target = static_cast<KillTarget>(integerArg(argumentAt(info, 2, "target"), "target", 0, 2));
  manager().kill(envOf(info), id, signal, target);
}

void SetPaused(const Napi::CallbackInfo& info) {
  const uint32_t id = sessionIdArg(info);
  manager().setPaused(envOf(info), id, booleanArg(argumentAt(info, 1, "paused"), "paused"));
}

Napi::Value ForegroundProcess(const Napi::CallbackInfo& info) {
  const uint32_t id = sessionIdArg(info);
  return Napi::String::New(info.Env(), manager().foregroundProcess(envOf(info), id));
}

Napi::Value ForegroundPid(const Napi::CallbackInfo& info) {
  const uint32_t id = sessionIdArg(info);
  return Napi::Number::New(info.Env(), manager().foregroundPid(envOf(info), id));
}

void Close(const Napi::CallbackInfo& info) { manager().close(envOf(info), sessionIdArg(info)); }

void SetWakeRef(const Napi::CallbackInfo& info) {
  envOf(info)->setWakeRef(booleanArg(argumentAt(info, 0, "ref"), "ref"));
}

void SetWakeHandler(const Napi::CallbackInfo& info) {
  Napi::Value handler = argumentAt(info, 0, "handler");
  if (!handler.IsFunction()) throw invalidArgType(handler, "handler", "of type function");
  Napi::Value threadsafe = info.Length() > 1 ? info[1] : info.Env().Undefined();
  envOf(info)->setWakeHandler(handler.As<Napi::Function>(),
                              !threadsafe.IsUndefined() && booleanArg(threadsafe, "threadsafe"));
}

void cleanupEnvironment(void* data) {
  auto* state = static_cast<NodeEnvironment*>(data);
  SessionManager::instance().detachEnv(state);
  state->shutdown();
}

template <typename Fn>
void exportFunction(Napi::Env env, Napi::Object exports, const char* name, Fn fn, NodeEnvironment* state) {
  exports.Set(name, Napi::Function::New(env, fn, name, state));
}

// Node unloads an addon when the last environment that loaded it ends (a worker that was the
// only user). The session manager and its I/O thread live for the process, and libuv runs the
// wake handle's close callback after the environment is gone: both are code in this library.
// Opening ourselves once more with RTLD_NODELETE keeps the library mapped until the process
// ends. Without it, a worker that used native-pty alone crashed the process as it ended.
void pinLibrary() {
  static const bool pinned = [] {
    Dl_info info{};
    if (::dladdr(reinterpret_cast<void*>(&pinLibrary), &info) == 0 || info.dli_fname == nullptr) {
      return false;
    }
    return ::dlopen(info.dli_fname, RTLD_NOW | RTLD_NODELETE) != nullptr;
  }();
  (void)pinned;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  pinLibrary();
  auto* state = new NodeEnvironment(env);
  SessionManager::instance().attachEnv(state);
  NAPI_THROW_IF_FAILED(env, napi_add_env_cleanup_hook(env, cleanupEnvironment, state), exports);

  exportFunction(env, exports, "spawn", Spawn, state);
  exportFunction(env, exports, "write", Write, state);
  exportFunction(env, exports, "read", Read, state);
  exportFunction(env, exports, "readAll", ReadAll, state);
  exportFunction(env, exports, "resize", Resize, state);
  exportFunction(env, exports, "kill", Kill, state);
  exportFunction(env, exports, "setPaused", SetPaused, state);
  exportFunction(env, exports, "foregroundProcess", ForegroundProcess, state);
  exportFunction(env, exports, "foregroundPid", ForegroundPid, state);
  exportFunction(env, exports, "close", Close, state);
  exportFunction(env, exports, "setWakeHandler", SetWakeHandler, state);
  exportFunction(env, exports, "setWakeRef", SetWakeRef, state);
  exports.Set("highWaterMark", Napi::Number::New(env, SessionManager::kHighWaterMark));
  exports.Set("pausedHighWaterMark", Napi::Number::New(env, SessionManager::kPausedHighWaterMark));
  exports.Set("limits", limitsObject(env));
  exports.Set("inputHighWaterMark", Napi::Number::New(env, SessionManager::kInputHighWaterMark));
  exports.Set("memoryReleaseQuietMs",
              Napi::Number::New(env, static_cast<double>(SessionManager::kQuietBeforeReleaseMs)));
  return exports;
}

}  // namespace
}  // namespace native_pty

static Napi::Object InitNativePty(Napi::Env env, Napi::Object exports) {
  return native_pty::Init(env, exports);
}

NODE_API_MODULE(native_pty, InitNativePty)
