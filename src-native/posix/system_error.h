// A failed system call, carried from where it failed to where it is reported: as a JavaScript
// Error with `code`, `errno`, `syscall` and `path` in the addon (node/js_error.h), or as a
// line on stderr in a standalone program.
#pragma once

#include <string>

namespace native_pty {

struct SystemError {
  int err;              // positive errno value
  std::string syscall;  // e.g. "execve", "chdir", "open"
  std::string path;     // the file or directory involved, may be empty
  std::string context;  // what we were doing, e.g. "spawn bash"
};

// "<context>: <syscall> '<path>' failed: <strerror>"; the errno name is the caller's to add.
std::string describe(const SystemError& error);

}  // namespace native_pty
