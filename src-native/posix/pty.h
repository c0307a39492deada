// POSIX pseudoterminal operations shared by the addon and the vt-pipe forwarder: creating a
// master/slave pair and the terminal ioctls. No Node, no threads: plain system calls.
#pragma once

#include <sys/types.h>

#include <string>

#include "unique_fd.h"

namespace native_pty {

// A new master, O_NONBLOCK and O_CLOEXEC from birth, above fds 0-2. Throws SystemError.
UniqueFd openMaster();
// Its slave side, close-on-exec, above fds 0-2; `ptsName` receives its path. Throws SystemError.
UniqueFd openSlave(int master, std::string* ptsName);
// UTF-8 aware erase, DEL as the erase key, and the initial size. Throws SystemError.
void configureTerminal(int slave, unsigned short cols, unsigned short rows);

// TIOCSWINSZ: the kernel sends SIGWINCH to the terminal's foreground group when the size
// changes. Returns 0 or an errno value.
int setWindowSize(int fd, unsigned short cols, unsigned short rows, unsigned short xpixel = 0,
                  unsigned short ypixel = 0);
// The terminal's foreground process group, or -1.
pid_t foregroundGroup(int fd);

// Fds 0-2 are a child's stdio: anything handed to a child must live above them, or a dup2 onto
// itself would keep its close-on-exec flag and vanish at exec. Throws SystemError.
UniqueFd moveAboveStdio(UniqueFd fd);

}  // namespace native_pty
