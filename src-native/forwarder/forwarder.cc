#include "forwarder.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "../posix/fd_ops.h"
#include "../posix/pty.h"
#include "../posix/system_error.h"
#include "frames.h"
#include "json.h"
#include "signal_pipe.h"

namespace vt_pipe {

using native_pty::SystemError;
using native_pty::UniqueFd;

namespace {

// Input waiting for the terminal, from the local keyboard and clients together: past this,
// they are not read until the terminal has taken some (a paste waits; nothing is dropped).
constexpr size_t kInputLimit = 1 << 20;
// After the command exits, output still in flight is read until the terminal hangs up; a
// grandchild that keeps the terminal open ends that after this much quiet.
constexpr double kQuietAfterExit = 0.1;
// After the exit, a client that takes nothing for this long is let go, and nobody is waited
// for longer than kMaxExitWait.
constexpr double kClientStall = 5;
constexpr double kMaxExitWait = 60;
// After a hang-up (SIGTERM, SIGHUP), the command's group gets SIGKILL if it outlives this.
constexpr double kHangUpGrace = 3;

double now() { return monotonicNow(); }

bool writeAll(int fd, const char* data, size_t length) {
  while (length > 0) {
    const ssize_t n = ::write(fd, data, length);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{fd, POLLOUT, 0};
        ::poll(&p, 1, -1);
        continue;
      }
      return false;
    }
    data += n;
    length -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Forwarder::Forwarder(ForwarderOptions options) : options_(std::move(options)) {}

Forwarder::~Forwarder() {
  if (!socketPath_.empty()) ::unlink(socketPath_.c_str());
  terminal_.restore();
}

int Forwarder::run() {
  start();
  loop();
  if (WIFSIGNALED(waitStatus_)) return 128 + WTERMSIG(waitStatus_);
  return WEXITSTATUS(waitStatus_);
}

void Forwarder::saveSession() { writeSessionJson(dir_, info_); }

void Forwarder::loop() {
  std::vector<pollfd> fds;
  for (;;) {
    const double t = now();
    if (finished_) {
      for (auto& c : clients_) {
        if (!c->closed() && t - c->lastProgress() > kClientStall) c->close();
      }
      clients_.erase(std::remove_if(clients_.begin(), clients_.end(), [](const auto& c) { return c->closed(); }),
                     clients_.end());
      if (clients_.empty() || t - finishedAt_ > kMaxExitWait) return;
    }
    if (reaped_ && !outputEnded_ && t - lastOutputAt_ > kQuietAfterExit && t - reapedAt_ > kQuietAfterExit) endOutput();
    if (killAt_ > 0 && !reaped_ && t > killAt_) {
      ::kill(-info_.pid, SIGKILL);
      killAt_ = 0;
    }
    if (reaped_ && outputEnded_ && !finished_) finish();

    fds.clear();
    fds.push_back({signals_.readFd(), POLLIN, 0});
    fds.push_back({listener_.get(), POLLIN, 0});
    const bool inputRoom = pendingInput_.size() < kInputLimit && !outputEnded_;
    const size_t masterAt = fds.size();
    if (master_ && !outputEnded_) {
      fds.push_back({master_.get(), static_cast<short>(POLLIN | (pendingInput_.empty() ? 0 : POLLOUT)), 0});
    }
    const size_t stdinAt = fds.size();
    if (stdinOpen_ && inputRoom) fds.push_back({STDIN_FILENO, POLLIN, 0});
    const size_t clientsAt = fds.size();
    for (const auto& c : clients_) {
      short events = 0;
      if (c->wantsRead() && inputRoom) events |= POLLIN;
      if (c->wantsWrite(*record_, finished_)) events |= POLLOUT;
      fds.push_back({c->fd(), events, 0});
    }
    int timeout = -1;
    if ((reaped_ && !outputEnded_) || killAt_ > 0) timeout = 20;
    if (finished_) timeout = 100;
    const int ready = ::poll(fds.data(), fds.size(), timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      throw SystemError{errno, "poll", "", "event loop"};
    }
    if (fds[0].revents != 0) onSignal();
    if (fds[1].revents != 0) acceptClients();
    if (masterAt < stdinAt) {
      const short re = fds[masterAt].revents;
      if (re & POLLOUT) writeInput();
      if (re & (POLLIN | POLLHUP | POLLERR)) readOutput();
    }
    if (stdinAt < clientsAt && fds[stdinAt].revents != 0) readLocalInput();
    for (size_t i = clientsAt; i < fds.size(); ++i) {
      Client& c = *clients_[i - clientsAt];
      const short re = fds[i].revents;
      if (re & (POLLIN | POLLHUP | POLLERR)) c.onReadable(*this, *record_);
      if (!c.closed()) c.flush(*record_, finished_, exitJson_, now());
    }
    if (!pendingInput_.empty() && master_ && !outputEnded_) writeInput();
    clients_.erase(std::remove_if(clients_.begin(), clients_.end(), [](const auto& c) { return c->closed(); }),
                   clients_.end());
  }
}

void Forwarder::onSignal() {
  for (int sig; (sig = signals_.next()) != 0;) {
    if (sig == SIGCHLD) {
      int status;
      if (!reaped_ && ::waitpid(info_.pid, &status, WNOHANG) == info_.pid) {
        reaped_ = true;
        waitStatus_ = status;
        reapedAt_ = now();
      }
    } else if (sig == SIGWINCH) {
      unsigned cols, rows;
      if (!options_.headless && terminal_.size(&cols, &rows)) applySize(cols, rows);
    } else if (sig == SIGINT || sig == SIGQUIT) {
      const pid_t group = master_ ? native_pty::foregroundGroup(master_.get()) : -1;
      ::kill(group > 0 ? -group : -info_.pid, sig);
    } else {
      // SIGTERM, or SIGHUP when the local terminal went away: hang the command up.
      if (sig == SIGHUP) stdoutOpen_ = stdinOpen_ = false;
      hangUp();
    }
  }
}

void Forwarder::hangUp() {
  if (!outputEnded_) endOutput();
  master_.reset();
  if (!reaped_) {
    ::kill(-info_.pid, SIGHUP);
    ::kill(-info_.pid, SIGCONT);
    killAt_ = now() + kHangUpGrace;
  }
}

void Forwarder::readOutput() {
  // A pty read gives at most 4 KiB (Linux's line discipline buffer). What the kernel holds now
  // is read in one go, up to 64 KiB a turn (then the clients and the keyboard get theirs), and
  // passed on once: one write each to the terminal, the record and every client instead of
  // one per read. Nothing waits for more to come, so this adds no delay.
  char buffer[64 * 1024];
  size_t filled = 0;
  bool ended = false;
  while (filled < sizeof buffer) {
    const ssize_t n = ::read(master_.get(), buffer + filled, sizeof buffer - filled);
    if (n > 0) {
      filled += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    // EIO (Linux) or end of file: every holder of the terminal has closed it.
    ended = true;
    break;
  }
  if (filled > 0) {
    lastOutputAt_ = now();
    record_->output(buffer, filled);
    if (stdoutOpen_ && !writeAll(STDOUT_FILENO, buffer, filled)) stdoutOpen_ = false;
    flushClients();
  }
  if (ended) endOutput();
}

void Forwarder::flushClients() {
  const double t = now();
  for (auto& c : clients_) c->flush(*record_, finished_, exitJson_, t);
}

void Forwarder::endOutput() { outputEnded_ = true; }

void Forwarder::writeInput() {
  while (!pendingInput_.empty()) {
    const ssize_t n = ::write(master_.get(), pendingInput_.data(), pendingInput_.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN) pendingInput_.clear();  // the terminal is gone: nobody reads input now
      return;
    }
    pendingInput_.erase(0, static_cast<size_t>(n));
  }
}

void Forwarder::readLocalInput() {
  char buffer[16 * 1024];
  const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
  if (n > 0) {
    input(buffer, static_cast<size_t>(n));
  } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
    stdinOpen_ = false;
  }
}

void Forwarder::input(const char* data, size_t length) {
  if (outputEnded_ || !master_) return;
  pendingInput_.append(data, length);
  record_->input(data, length);
}

void Forwarder::resize(unsigned cols, unsigned rows) {
  if (cols == 0) {
    cols = options_.cols;
    rows = options_.rows;
    if (!options_.headless) terminal_.size(&cols, &rows);
  }
  applySize(cols, rows);
}

void Forwarder::signal(int sig) {
  if (!reaped_) ::kill(-info_.pid, sig);
}

void Forwarder::applySize(unsigned cols, unsigned rows) {
  const bool same = cols == info_.cols && rows == info_.rows;
  info_.cols = cols;
  info_.rows = rows;
  if (master_) {
    native_pty::setWindowSize(master_.get(), static_cast<unsigned short>(cols), static_cast<unsigned short>(rows));
    // The kernel signals only a change; a resize to the same size must still make the program
    // redraw.
    const pid_t group = native_pty::foregroundGroup(master_.get());
    if (same && group > 0) ::kill(-group, SIGWINCH);
  }
  record_->resize(cols, rows);
  if (!finished_) saveSession();
  std::string payload(4, '\0');
  payload[0] = static_cast<char>(cols >> 8);
  payload[1] = static_cast<char>(cols);
  payload[2] = static_cast<char>(rows >> 8);
  payload[3] = static_cast<char>(rows);
  const std::string frame = encodeFrame(kResize, payload);
  for (auto& c : clients_) c->queueControl(frame);
  flushClients();
}

void Forwarder::acceptClients() {
  for (;;) {
    UniqueFd fd(native_pty::acceptConnection(listener_.get()));
    if (!fd) return;
    uid_t peer = 0;
    // Only this user and root; anyone else is closed before HELLO.
    if (!native_pty::peerUid(fd.get(), &peer) || (peer != ::getuid() && peer != 0)) continue;
    auto client = std::make_unique<Client>(std::move(fd), now());
    client->queueControl(encodeFrame(kHello, helloJson()));
    client->flush(*record_, finished_, exitJson_, now());
    clients_.push_back(std::move(client));
  }
}

std::string Forwarder::helloJson() const {
  const auto optional = [](bool has, int value) { return has ? std::to_string(value) : std::string("null"); };
  return "{\"protocol\":1,\"sessionId\":" + jsonString(info_.id) + ",\"pid\":" + std::to_string(info_.pid) +
         ",\"cols\":" + std::to_string(info_.cols) + ",\"rows\":" + std::to_string(info_.rows) +
         ",\"startOffset\":0,\"endOffset\":" + std::to_string(record_->endOffset()) + ",\"status\":\"" +
         info_.status + "\",\"exitCode\":" + optional(info_.exited && info_.exitCode >= 0, info_.exitCode) +
         ",\"signal\":" + optional(info_.exited && info_.signal > 0, info_.signal) + "}";
}

void Forwarder::finish() {
  finished_ = true;
  finishedAt_ = now();
  master_.reset();
  record_->finish();
  info_.exited = true;
  info_.status = "exited";
  info_.exitCode = WIFEXITED(waitStatus_) ? WEXITSTATUS(waitStatus_) : -1;
  info_.signal = WIFSIGNALED(waitStatus_) ? WTERMSIG(waitStatus_) : 0;
  info_.endedAt = isoNow();
  // The status is on disk before the socket goes away.
  saveSession();
  exitJson_ = "{\"exitCode\":" + (info_.exitCode >= 0 ? std::to_string(info_.exitCode) : "null") +
              ",\"signal\":" + (info_.signal > 0 ? std::to_string(info_.signal) : "null") + "}";
  terminal_.restore();
  flushClients();
}

}  // namespace vt_pipe
