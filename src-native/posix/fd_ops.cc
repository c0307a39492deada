#include "fd_ops.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace native_pty {
namespace {

#ifndef __linux__
int setFlags(int fd, bool nonBlocking) {
  if (::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) return errno;
  if (nonBlocking && ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) return errno;
#ifdef SO_NOSIGPIPE
  int one = 1;
  int type = 0;
  socklen_t length = sizeof type;
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0) {
    ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
  }
#endif
  return 0;
}

// Closes fd after a failed setFlags and returns -1 with that error in errno.
int failWith(int fd, int err) {
  ::close(fd);
  errno = err;
  return -1;
}
#endif

}  // namespace

#ifdef __linux__
const int kSendNoSignal = MSG_NOSIGNAL;
const char* const kPipeCall = "pipe2";

int openPipe(int fds[2], bool nonBlocking) {
  return ::pipe2(fds, O_CLOEXEC | (nonBlocking ? O_NONBLOCK : 0)) == 0 ? 0 : errno;
}

int openUnixSocket() { return ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0); }

int acceptConnection(int listener) {
  return ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
}

bool peerUid(int fd, uid_t* uid) {
  ucred peer{};
  socklen_t length = sizeof peer;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0) return false;
  *uid = peer.uid;
  return true;
}

#else
const int kSendNoSignal = 0;
const char* const kPipeCall = "pipe";

int openPipe(int fds[2], bool nonBlocking) {
  if (::pipe(fds) != 0) return errno;
  for (int i = 0; i < 2; ++i) {
    const int err = setFlags(fds[i], nonBlocking);
    if (err != 0) {
      ::close(fds[0]);
      ::close(fds[1]);
      return err;
    }
  }
  return 0;
}

int openUnixSocket() {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  const int err = setFlags(fd, true);
  return err == 0 ? fd : failWith(fd, err);
}

int acceptConnection(int listener) {
  const int fd = ::accept(listener, nullptr, nullptr);
  if (fd < 0) return -1;
  const int err = setFlags(fd, true);
  return err == 0 ? fd : failWith(fd, err);
}

bool peerUid(int fd, uid_t* uid) {
  gid_t gid;
  return ::getpeereid(fd, uid, &gid) == 0;
}
#endif

}  // namespace native_pty
