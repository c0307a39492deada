// The user's own terminal on stdin/stdout, when there is one: raw mode as cfmakeraw sets it
// for the session's life, restored on every way out (the forwarder turns SIGTERM and SIGHUP
// into an orderly end, so the destructor runs), and its size. TCSADRAIN, not TCSAFLUSH: what
// the user typed before vt-pipe started is kept for the command.
#pragma once

#include <termios.h>

namespace vt_pipe {

class LocalTerminal {
 public:
  LocalTerminal();
  ~LocalTerminal() { restore(); }
  LocalTerminal(const LocalTerminal&) = delete;
  LocalTerminal& operator=(const LocalTerminal&) = delete;

  bool isTerminal() const { return isTerminal_; }
  void enterRaw();
  void restore();
  // The terminal's size; false when stdin/stdout is no terminal.
  bool size(unsigned* cols, unsigned* rows) const;

 private:
  bool isTerminal_;
  bool raw_ = false;
  termios saved_{};
};

}  // namespace vt_pipe
