// The session directory of FORWARDER.md: <control-dir>/<session-id>/ (0700) with session.json
// (0600, replaced atomically), ipc.sock and the record.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace vt_pipe {

// A failure of the forwarder's own (not a system call's), reported as one line on stderr.
struct Failure {
  std::string message;
};

struct SessionInfo {
  std::string id;
  std::string name;
  std::vector<std::string> command;
  std::string cwd;
  pid_t pid = 0;
  pid_t forwarderPid = 0;
  const char* status = "starting";  // "starting", "running", "exited"
  bool exited = false;
  int exitCode = -1;  // when exited: -1 (null) when a signal ended the command
  int signal = 0;     // when exited: 0 (null) when it exited normally
  std::string startedAt;
  std::string endedAt;
  unsigned cols = 80;
  unsigned rows = 24;
  bool headless = false;
};

// $NATIVE_PTY_CONTROL_DIR, else $XDG_RUNTIME_DIR/native-pty, else /tmp/native-pty-<uid>.
std::string defaultControlDir();
// Creates `dir` (0700) when it is missing; refuses one that another user owns or that group or
// others can write (Failure), or that is not a directory.
void prepareControlDir(const std::string& dir);
// 128 random bits as URL-safe base64 (22 characters).
std::string randomSessionId();
bool validSessionId(const std::string& id);
// <controlDir>/<id>, created 0700; an existing one is a Failure.
std::string createSessionDir(const std::string& controlDir, const std::string& id);
// session.json, written to a temporary file and renamed over the old one. Throws SystemError.
void writeSessionJson(const std::string& dir, const SessionInfo& info);
// Now, as ISO 8601 UTC with milliseconds.
std::string isoNow();

}  // namespace vt_pipe
