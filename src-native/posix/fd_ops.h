// File descriptor operations whose fastest form is Linux-only (pipe2, accept4, SOCK_CLOEXEC,
// SO_PEERCRED, MSG_NOSIGNAL), with the POSIX equivalent everywhere else (macOS): one place for
// the difference, so that spawn and the forwarder are the same code on both systems.
#pragma once

#include <sys/types.h>

namespace native_pty {

// A pipe whose both ends are close-on-exec (and non-blocking when asked). 0 or an errno value.
// Without pipe2 the flags are set right after pipe(): the addon spawns from one thread, and
// vt-pipe has only one, so no exec can happen in between.
int openPipe(int fds[2], bool nonBlocking);
// The call openPipe makes, for error reports: "pipe2" on Linux, "pipe" elsewhere.
extern const char* const kPipeCall;

// A non-blocking, close-on-exec Unix stream socket, or -1 with errno set.
int openUnixSocket();

// Accepts one connection from a non-blocking listener as a non-blocking, close-on-exec fd, or
// returns -1 with errno set (EAGAIN when none is waiting).
int acceptConnection(int listener);

// The effective uid of the process at the other end of a connected Unix socket; false with
// errno set when the system cannot tell.
bool peerUid(int fd, uid_t* uid);

// Flags for send() that keep a closed peer from raising SIGPIPE (on macOS the socket carries
// SO_NOSIGPIPE instead, set by openUnixSocket/acceptConnection).
extern const int kSendNoSignal;

}  // namespace native_pty
