#include "signal_pipe.h"

#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "../posix/fd_ops.h"
#include "../posix/system_error.h"

namespace vt_pipe {
namespace {

int pipeFds[2] = {-1, -1};

void onSignalCaught(int sig) {
  const int saved = errno;
  const unsigned char byte = static_cast<unsigned char>(sig);
  (void)::write(pipeFds[1], &byte, 1);
  errno = saved;
}

}  // namespace

void SignalPipe::install(std::initializer_list<int> signals) {
  const int err = native_pty::openPipe(pipeFds, true);
  if (err != 0) throw native_pty::SystemError{err, native_pty::kPipeCall, "", "signals"};
  struct sigaction action {};
  action.sa_handler = onSignalCaught;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);  // a macro on macOS: no ::
  for (int sig : signals) ::sigaction(sig, &action, nullptr);
}

int SignalPipe::readFd() const { return pipeFds[0]; }

int SignalPipe::next() {
  unsigned char sig;
  return ::read(pipeFds[0], &sig, 1) == 1 ? sig : 0;
}

double monotonicNow() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace vt_pipe
