// Creating a pseudoterminal and starting a child on it, with forkpty semantics but with the
// master non-blocking and close-on-exec from birth, and exec/chdir failures reported to the
// caller instead of surfacing as a child that exits with 127.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "unique_fd.h"

namespace native_pty {

struct SpawnSpec {
  std::string file;               // as the user gave it
  std::vector<std::string> args;  // argv[1..]
  std::vector<std::string> env;   // "KEY=value"
  std::string cwd;
  unsigned short cols = 80;
  unsigned short rows = 24;
  long uid = -1;  // -1 keeps the parent's
  long gid = -1;
};

struct SpawnedChild {
  UniqueFd master;
  pid_t pid = -1;
  std::string ptsName;
};

// Throws SystemError (see system_error.h) when the pty cannot be made, the program is not
// found or not executable, the cwd cannot be entered, or the ids cannot be set.
SpawnedChild spawnInPty(const SpawnSpec& spec);

}  // namespace native_pty
