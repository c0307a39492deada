#include "local_terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

namespace vt_pipe {

LocalTerminal::LocalTerminal() : isTerminal_(::isatty(STDIN_FILENO) == 1) {}

void LocalTerminal::enterRaw() {
  if (!isTerminal_ || raw_ || ::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
  termios raw = saved_;
  ::cfmakeraw(&raw);
  if (::tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) == 0) raw_ = true;
}

void LocalTerminal::restore() {
  if (!raw_) return;
  ::tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_);
  raw_ = false;
}

bool LocalTerminal::size(unsigned* cols, unsigned* rows) const {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 && ::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) != 0) return false;
  if (ws.ws_col == 0 || ws.ws_row == 0) return false;
  *cols = ws.ws_col;
  *rows = ws.ws_row;
  return true;
}

}  // namespace vt_pipe
