// System errors as JavaScript Errors, shaped like Node's own: `code` ('ENOENT'), `errno`
// (negative, as libuv reports it), `syscall` and `path`.
#pragma once

#include <napi.h>

#include <string>

#include "../posix/system_error.h"

namespace native_pty {

// "ENOENT", "EACCES", ... (falls back to "E<number>").
std::string errnoCode(int err);

Napi::Error toJsError(Napi::Env env, const SystemError& error);

}  // namespace native_pty
