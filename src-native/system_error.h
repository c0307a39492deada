// A failed system call, carried from where it failed to where it becomes a JavaScript Error
// with `code`, `errno`, `syscall` and `path`, as Node's own errors have.
#pragma once

#include <napi.h>

#include <string>

namespace native_pty {

struct SystemError {
  int err;              // positive errno value
  std::string syscall;  // e.g. "execve", "chdir", "open /dev/ptmx"
  std::string path;     // the file or directory involved, may be empty
  std::string context;  // what we were doing, e.g. "spawn bash"
};

// "ENOENT", "EACCES", ... (falls back to "E<number>").
std::string errnoCode(int err);

Napi::Error toJsError(Napi::Env env, const SystemError& error);

}  // namespace native_pty
