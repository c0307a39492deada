#include "js_error.h"

#include <uv.h>

#include <cstring>

namespace native_pty {

std::string errnoCode(int err) {
  // libuv's error names are Node's: negative errno values on Unix.
  const char* name = uv_err_name(-err);
  if (name != nullptr && std::strncmp(name, "Unknown", 7) != 0) return name;
  return "E" + std::to_string(err);
}

Napi::Error toJsError(Napi::Env env, const SystemError& error) {
  const std::string code = errnoCode(error.err);
  Napi::Error jsError = Napi::Error::New(env, describe(error) + " (" + code + ")");
  Napi::Object object = jsError.Value();
  object.Set("code", code);
  object.Set("errno", -error.err);
  object.Set("syscall", error.syscall);
  if (!error.path.empty()) object.Set("path", error.path);
  return jsError;
}

}  // namespace native_pty
