// SessionManager: what the JavaScript thread does to sessions. Every operation takes the
// mutex, touches only the caller's own sessions, and never blocks on the child.
#include "session_manager.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace native_pty {
namespace {

// NATIVE_PTY_DISABLE_PIDFD=1 takes the path of kernels without pidfd_open (before 5.3), so
// that the fallback is tested on kernels that have it.
bool pidfdDisabled() {
  static const bool disabled = std::getenv("NATIVE_PTY_DISABLE_PIDFD") != nullptr;
  return disabled;
}

UniqueFd openPidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  if (!pidfdDisabled()) return UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
#endif
  return UniqueFd();
}

}  // namespace

SessionManager& SessionManager::instance() {
  static SessionManager* manager = [] {
    auto* created = new SessionManager();
    std::atexit([] { SessionManager::instance().stopAtExit(); });
    return created;
  }();
  return *manager;
}

Session* SessionManager::find(EnvState* env, uint32_t id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second->owner != env) return nullptr;
  return it->second.get();
}

void SessionManager::attachEnv(EnvState* env) {
  std::lock_guard<std::mutex> lock(mutex_);
  envs_.insert(env);
}

void SessionManager::detachEnv(EnvState* env) {
  std::thread stopped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& entry : sessions_) {
      Session& s = *entry.second;
      if (s.owner != env) continue;
      s.owner = nullptr;
      s.queued = false;
      ++orphans_;
      requestClose(s);  // the terminal hangs up: the child gets SIGHUP
    }
    envs_.erase(env);
    if (envs_.empty()) stopped = stopThreadLocked();
  }
  if (!stopped.joinable()) return;
  stopped.join();
  // The I/O thread is gone: what it would have closed and reaped is done here, once.
  std::lock_guard<std::mutex> lock(mutex_);
  processCloseRequests();
  sweepOrphans();
}

void SessionManager::stopAtExit() {
  std::thread stopped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    envs_.clear();
    for (auto& entry : sessions_) entry.second->owner = nullptr;  // no more wake-ups
    orphans_ = 0;  // the I/O thread stops: nobody sweeps them any more
    stopped = stopThreadLocked();
  }
  if (stopped.joinable()) stopped.join();
}

std::thread SessionManager::stopThreadLocked() {
  ++generation_;
  poller_.notify();
  return std::move(thread_);
}

void SessionManager::ensureThreadLocked() {
  if (thread_.joinable()) return;
  if (scratch_.empty()) scratch_.resize(64 * 1024);
  const uint64_t generation = ++generation_;
  thread_ = std::thread([this, generation] { run(generation); });
}

uint32_t SessionManager::add(EnvState* env, SpawnedChild child, bool wake) {
  auto session = std::make_unique<Session>();
  session->pid = child.pid;
  session->owner = env;
  session->wake = wake;
  session->master = std::move(child.master);
  session->pidfd = openPidfd(child.pid);

  std::lock_guard<std::mutex> lock(mutex_);
  ensureThreadLocked();
  Session& s = *session;
  s.id = nextId_++;
  if (nextId_ == 0) nextId_ = 1;
  sessions_.emplace(s.id, std::move(session));
  if (s.pidfd) {
    poller_.add(s.pidfd.get(), uint64_t{s.id} * 2 + 1, kReadable);
  } else {
    ++sessionsWithoutPidfd_;
    poller_.notify();  // so the I/O thread starts polling for its exit
  }
  updateInterest(s);
  return s.id;
}

size_t SessionManager::write(EnvState* env, uint32_t id, const char* data, size_t length) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session* s = find(env, id);
  if (s == nullptr || !s->master || s->outputEnded || s->closeRequested || length == 0) {
    return s == nullptr ? 0 : s->pendingInput();
  }
  s->inputSinceOutput = true;
  size_t written = 0;
  if (s->pendingInput() == 0) {
    ssize_t n = ::write(s->master.get(), data, length);
    if (n > 0) {
      written = static_cast<size_t>(n);
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return 0;  // EIO: the terminal has hung up; nobody can read this input any more
    }
  }
  if (written < length) {
    s->input.append(data + written, length - written);
    if (s->pendingInput() >= kInputHighWaterMark) s->drainWanted = true;
    updateInterest(*s);
  }
  return s->pendingInput();
}

std::vector<Drained> SessionManager::drainReady(EnvState* env, size_t maxBytes) {
  std::vector<Drained> drained;
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<uint32_t> ready;
  ready.swap(env->ready);
  size_t total = 0;
  size_t next = 0;
  for (; next < ready.size() && total < maxBytes; ++next) {
    const uint32_t id = ready[next];
    Session* s = find(env, id);
    if (s == nullptr) continue;
    s->queued = false;
    // Output and the exit wait while paused (setPaused() queues the session again on resume);
    // the news that input has drained does not.
    const bool deliver = !s->paused && (!s->output.empty() || s->finished);
    if (!deliver && !s->inputDrained) continue;
    Drained item{id, {}, deliver && s->finished, s->exitCode, s->exitSignal, s->inputDrained};
    s->inputDrained = false;
    if (deliver) {
      item.data.swap(s->output);
      total += item.data.size();
      if (s->finished) {
        sessions_.erase(id);
      } else {
        updateInterest(*s);  // reading resumes if the buffer had reached its high-water mark
      }
    }
    drained.push_back(std::move(item));
  }
  // Sessions the byte budget did not reach stay queued, first in line for the next drain.
  env->ready.insert(env->ready.begin(), ready.begin() + next, ready.end());
  return drained;
}

bool SessionManager::drainOne(EnvState* env, uint32_t id, std::vector<char>* out) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session* s = find(env, id);
  if (s == nullptr || s->output.empty()) return false;
  out->swap(s->output);
  s->output.clear();
  updateInterest(*s);
  return true;
}

void SessionManager::resize(EnvState* env, uint32_t id, unsigned short cols, unsigned short rows,
                            unsigned short xpixel, unsigned short ypixel) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session* s = find(env, id);
  if (s == nullptr || !s->master) return;
  struct winsize size {};
  size.ws_col = cols;
  size.ws_row = rows;
  size.ws_xpixel = xpixel;
  size.ws_ypixel = ypixel;
  ::ioctl(s->master.get(), TIOCSWINSZ, &size);  // the kernel sends SIGWINCH to the foreground
}

void SessionManager::kill(EnvState* env, uint32_t id, int signal, KillTarget target) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session* s = find(env, id);
  // Once reaped, the pid may belong to someone else: never signal it. Reaping happens under
  // this mutex, so the check cannot race with pid reuse.
  if (s == nullptr || s->reaped) return;
  pid_t to = s->pid;
  if (target == KillTarget::kGroup) to = -s->pid;
  if (target == KillTarget::kForeground) {
    pid_t group = s->master ? ::tcgetpgrp(s->master.get()) : -1;
    to = group > 0 ? -group : -s->pid;
  }
  ::kill(to, signal);  // ESRCH (already gone) is not an error for the caller
}

void SessionManager::setPaused(EnvState* env, uint32_t id, bool paused) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session* s = find(env, id);
  if (s == nullptr) return;
  s->paused = paused;
  if (!paused && (!s->output.empty() || s->finished)) markReady(*s, kNoWake);
}

bool SessionManager::park(EnvState* env) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Under the mutex, so that news arriving after this check finds the environment parked.
  if (!env->ready.empty()) return false;
  env->parked = true;
  return true;
}

pid_t SessionManager::foregroundGroup(EnvState* env, uint32_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session* s = find(env, id);
  if (s == nullptr || !s->master) return -1;
  return ::tcgetpgrp(s->master.get());
}

void SessionManager::close(EnvState* env, uint32_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session* s = find(env, id);
  if (s != nullptr) requestClose(*s);
}

void SessionManager::requestClose(Session& s) {
  if (!s.master || s.closeRequested) return;
  s.closeRequested = true;
  closeRequests_.push_back(s.id);
  poller_.notify();
  if (!s.reaped) ::kill(s.pid, SIGHUP);
}

}  // namespace native_pty
