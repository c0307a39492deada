// vt-pipe's start: the session directory and session.json, the record, the socket (0600 from
// birth), the signals, and the command on its pty.
#include <limits.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "../posix/fd_ops.h"
#include "../posix/spawn.h"
#include "../posix/system_error.h"
#include "forwarder.h"

extern char** environ;

namespace vt_pipe {

using native_pty::SystemError;

void Forwarder::start() {
  prepareControlDir(options_.controlDir);
  dir_ = createSessionDir(options_.controlDir, options_.sessionId);
  socketPath_ = dir_ + "/ipc.sock";
  sockaddr_un address{};
  if (socketPath_.size() >= sizeof address.sun_path) {
    socketPath_.clear();
    throw Failure{"the socket path " + dir_ + "/ipc.sock is too long for a Unix socket"};
  }

  unsigned cols = options_.cols;
  unsigned rows = options_.rows;
  if (!options_.headless) terminal_.size(&cols, &rows);
  char cwd[PATH_MAX];
  info_.id = options_.sessionId;
  info_.name = options_.name;
  info_.command = options_.command;
  info_.cwd = ::getcwd(cwd, sizeof cwd) != nullptr ? cwd : "/";
  info_.forwarderPid = ::getpid();
  info_.startedAt = isoNow();
  info_.cols = cols;
  info_.rows = rows;
  info_.headless = options_.headless;
  saveSession();

  std::string commandLine;
  for (const std::string& arg : options_.command) commandLine += (commandLine.empty() ? "" : " ") + arg;
  record_ = std::make_unique<Record>(dir_, cols, rows, commandLine, options_.recordInput);

  signals_.install({SIGCHLD, SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT});
  ::signal(SIGPIPE, SIG_IGN);

  listener_.reset(native_pty::openUnixSocket());
  if (!listener_) throw SystemError{errno, "socket", "", "ipc.sock"};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, socketPath_.c_str(), socketPath_.size() + 1);
  // Created 0600 from the start, not chmod'ed after: no moment at which another user could
  // connect (the directory is 0700 as well).
  const mode_t oldMask = ::umask(0177);
  const int bound = ::bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address);
  const int bindErr = errno;
  ::umask(oldMask);
  if (bound != 0) throw SystemError{bindErr, "bind", socketPath_, "ipc.sock"};
  if (::listen(listener_.get(), 64) != 0) throw SystemError{errno, "listen", socketPath_, "ipc.sock"};

  native_pty::SpawnSpec spec;
  spec.file = options_.command[0];
  spec.args.assign(options_.command.begin() + 1, options_.command.end());
  bool hasTerm = false;
  for (char** e = environ; *e != nullptr; ++e) {
    spec.env.emplace_back(*e);
    if (std::strncmp(*e, "TERM=", 5) == 0) hasTerm = true;
  }
  if (!hasTerm) spec.env.emplace_back("TERM=xterm-256color");
  spec.cwd = info_.cwd;
  spec.cols = static_cast<unsigned short>(cols);
  spec.rows = static_cast<unsigned short>(rows);
  native_pty::SpawnedChild child;
  try {
    child = native_pty::spawnInPty(spec);
  } catch (const SystemError& error) {
    // The session ends before it began; session.json says so, with the status a shell gives.
    const bool exec = error.syscall == "execve" || error.syscall == "execvp";
    info_.exited = true;
    info_.status = "exited";
    info_.exitCode = !exec ? kForwarderFailed : error.err == ENOENT ? kNotFound : kCannotExecute;
    info_.endedAt = isoNow();
    saveSession();
    throw;
  }
  master_ = std::move(child.master);
  info_.pid = child.pid;
  info_.status = "running";
  saveSession();

  // stdin stays blocking (its flags are shared with the user's shell): it is read only when
  // poll says it is readable, and a raw terminal then returns what it has.
  if (!options_.headless) {
    terminal_.enterRaw();
  } else {
    stdinOpen_ = false;
    stdoutOpen_ = false;
  }
}

}  // namespace vt_pipe
