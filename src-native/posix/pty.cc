#include "pty.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "system_error.h"

namespace native_pty {
namespace {

[[noreturn]] void fail(int err, const char* syscall, const std::string& path = "") {
  throw SystemError{err, syscall, path, ""};
}

}  // namespace

UniqueFd moveAboveStdio(UniqueFd fd) {
  if (fd.get() > STDERR_FILENO) return fd;
  int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  if (moved < 0) fail(errno, "fcntl");
  return UniqueFd(moved);
}

UniqueFd openMaster() {
  int flags = O_RDWR | O_NOCTTY;
#ifdef O_CLOEXEC
  flags |= O_CLOEXEC;
#endif
  int fd = ::open("/dev/ptmx", flags | O_NONBLOCK);
  if (fd < 0) fail(errno, "open", "/dev/ptmx");
  UniqueFd master(fd);
  // Where open() could not set it (older macOS ignore O_CLOEXEC on devices), set it now.
  if (::fcntl(master.get(), F_SETFD, FD_CLOEXEC) != 0) fail(errno, "fcntl");
  if (::grantpt(master.get()) != 0) fail(errno, "grantpt");
  if (::unlockpt(master.get()) != 0) fail(errno, "unlockpt");
  return moveAboveStdio(std::move(master));
}

UniqueFd openSlave(int master, std::string* ptsName) {
  char name[PATH_MAX];
#ifdef __linux__
  if (::ptsname_r(master, name, sizeof name) != 0) fail(errno, "ptsname_r");
#else
  // macOS has no ptsname_r before 10.13.4 in every SDK; TIOCPTYGNAME is its equivalent.
  if (::ioctl(master, TIOCPTYGNAME, name) != 0) fail(errno, "ioctl(TIOCPTYGNAME)");
#endif
  *ptsName = name;
  int fd = -1;
#ifdef TIOCGPTPEER
  // Opens the peer without a path lookup, so a pts path swapped under us cannot be opened.
  fd = ::ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
#endif
  if (fd < 0) fd = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) fail(errno, "open", name);
  return moveAboveStdio(UniqueFd(fd));
}

void configureTerminal(int slave, unsigned short cols, unsigned short rows) {
  struct termios tio;
  if (::tcgetattr(slave, &tio) == 0) {
#ifdef IUTF8
    tio.c_iflag |= IUTF8;  // so that erase in canonical mode removes whole UTF-8 characters
#endif
    tio.c_cc[VERASE] = 0x7f;
    ::tcsetattr(slave, TCSANOW, &tio);
  }
  const int err = setWindowSize(slave, cols, rows);
  if (err != 0) fail(err, "ioctl(TIOCSWINSZ)");
}

int setWindowSize(int fd, unsigned short cols, unsigned short rows, unsigned short xpixel,
                  unsigned short ypixel) {
  struct winsize size {};
  size.ws_col = cols;
  size.ws_row = rows;
  size.ws_xpixel = xpixel;
  size.ws_ypixel = ypixel;
  return ::ioctl(fd, TIOCSWINSZ, &size) == 0 ? 0 : errno;
}

pid_t foregroundGroup(int fd) { return ::tcgetpgrp(fd); }

}  // namespace native_pty
