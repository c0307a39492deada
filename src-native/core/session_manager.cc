// SessionManager: what the JavaScript thread does to sessions. Every operation takes the
// mutex, touches only the caller's own sessions, and never blocks on the child.
#include "session_manager.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "../posix/pty.h"
#include "../posix/system_error.h"
#include "clock.h"

namespace native_pty {
namespace {

uint64_t masterToken(const Session& s) { return uint64_t{s.id} * 2; }
uint64_t exitToken(const Session& s) { return uint64_t{s.id} * 2 + 1; }

// A child we cannot serve: it must not outlive the failed spawn() as an orphan nobody reaps.
void abandonChild(pid_t pid) {
  ::kill(pid, SIGKILL);
  int status;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
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

Session* SessionManager::find(Environment* env, uint32_t id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second->owner != env) return nullptr;
  return it->second.get();
}

void SessionManager::attachEnv(Environment* env) {
  std::lock_guard<std::mutex> lock(mutex_);
  envs_.insert(env);
  // Opened with the first environment, so that its fds are there from the start; a failure
  // here is retried, and reported, by the first add().
  const char* failedCall = nullptr;
  poller_.open(&failedCall);
}

void SessionManager::detachEnv(Environment* env) {
  std::thread stopped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& entry : sessions_) {
      Session& s = *entry.second;
      if (s.owner != env) continue;
      s.owner = nullptr;
      s.onReadyList = false;
      orphans_.insert(s.id);
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
    orphans_.clear();  // the I/O thread stops: nobody sweeps them any more
    stopped = stopThreadLocked();
  }
  if (stopped.joinable()) stopped.join();
}

std::thread SessionManager::stopThreadLocked() {
  ++generation_;
  if (poller_.isOpen()) poller_.notify();
  return std::move(thread_);
}

void SessionManager::ensureThreadLocked() {
  if (thread_.joinable()) return;
  if (scratch_.empty()) scratch_.resize(64 * 1024);
  const uint64_t generation = ++generation_;
  thread_ = std::thread([this, generation] { run(generation); });
}

uint32_t SessionManager::add(Environment* env, SpawnedChild child, int64_t gapMs, size_t highWaterMark) {
  auto session = std::make_unique<Session>();
  session->pid = child.pid;
  session->owner = env;
  session->gapMs = gapMs;
  session->highWaterMark = highWaterMark;
  session->master = std::move(child.master);

  std::lock_guard<std::mutex> lock(mutex_);
  const char* failedCall = nullptr;
  int err = poller_.open(&failedCall);
  Session& s = *session;
  // Ids wrap after 4 billion spawns: never one that a live session still has.
  while (sessions_.count(nextId_) != 0) nextId_ = nextId_ == UINT32_MAX ? 1 : nextId_ + 1;
  const uint32_t id = nextId_;
  s.id = id;
  if (err == 0) {
    s.registered = kReadable;
    err = poller_.add(s.master.get(), masterToken(s), s.registered);
    failedCall = Poller::kControlCall;
  }
  if (err != 0) {
    // No readiness, no session: fail the spawn rather than keep a child nobody can serve.
    session.reset();  // closes the master
    abandonChild(child.pid);
    throw SystemError{err, failedCall, "", ""};
  }
  nextId_ = nextId_ == UINT32_MAX ? 1 : nextId_ + 1;
  ensureThreadLocked();
  // Without an exit watch (kernels before 5.3, or no fd left for it) the exit is polled.
  if (poller_.watchExit(s.pid, exitToken(s), &s.exitWatch) != 0) poller_.notify();
  refreshTimers(s);
  sessions_.emplace(id, std::move(session));
  return id;
}

size_t SessionManager::write(Environment* env, uint32_t id, const char* data, size_t length) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session* s = find(env, id);
  if (s == nullptr || !s->master || s->outputEnded() || s->closeRequested || length == 0) {
    return s == nullptr ? 0 : s->pendingInput();
  }
  s->echoAwaited = true;
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
    if (s->pendingInput() >= kInputHighWaterMark) s->inputDrain = InputDrain::kWanted;
    updateInterest(*s);
  }
  return s->pendingInput();
}

std::vector<Drained> SessionManager::drainReady(Environment* env, size_t maxBytes) {
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
    s->onReadyList = false;
    // Output and the exit wait while paused (setPaused() queues the session again on resume);
    // the news that input has drained does not.
    const bool deliver = !s->paused && (!s->output.empty() || s->finished());
    const bool inputDrained = s->inputDrain == InputDrain::kReportable;
    if (!deliver && !inputDrained) continue;
    Drained item{id, nullptr, deliver && s->finished(), s->exitCode, s->exitSignal, inputDrained};
    if (inputDrained) s->inputDrain = InputDrain::kNone;
    if (deliver) {
      total += s->output.size();
      item.data = s->output.take();
      if (s->finished()) {
        forget(id);
      } else {
        updateInterest(*s);  // reading resumes if the buffer had reached its high-water mark
      }
    }
    drained.push_back(std::move(item));
  }
  // Sessions the byte budget did not reach stay queued, first in line for the next drain,
  // which a wake brings on the event loop's next turn, after whatever else it has to do.
  if (next < ready.size()) {
    env->ready.insert(env->ready.begin(), ready.begin() + next, ready.end());
    env->requestWake(nowMs(), 0);
  }
  return drained;
}

BlockPtr SessionManager::drainOne(Environment* env, uint32_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session* s = find(env, id);
  if (s == nullptr || s->output.empty()) return nullptr;
  BlockPtr taken = s->output.take();
  updateInterest(*s);
  return taken;
}

void SessionManager::resize(Environment* env, uint32_t id, unsigned short cols,
                            unsigned short rows, unsigned short xpixel, unsigned short ypixel) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session* s = find(env, id);
  if (s == nullptr || !s->master) return;
  // A terminal that hung up may refuse; the size no longer matters to anyone then.
  setWindowSize(s->master.get(), cols, rows, xpixel, ypixel);
}

void SessionManager::kill(Environment* env, uint32_t id, int signal, KillTarget target) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session* s = find(env, id);
  // Once reaped, the pid may belong to someone else: never signal it. Reaping happens under
  // this mutex, so the check cannot race with pid reuse.
  if (s == nullptr || s->reaped()) return;
  pid_t to = s->pid;
  if (target == KillTarget::kGroup) to = -s->pid;
  if (target == KillTarget::kForeground) {
    pid_t group = s->master ? foregroundGroup(s->master.get()) : -1;
    to = group > 0 ? -group : -s->pid;
  }
  ::kill(to, signal);  // ESRCH (already gone) is not an error for the caller
}

void SessionManager::setPaused(Environment* env, uint32_t id, bool paused) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session* s = find(env, id);
  if (s == nullptr) return;
  s->paused = paused;
  updateInterest(*s);  // the read limit changed with it
  // What was held back flows at once.
  if (!paused && (!s->output.empty() || s->finished())) markReady(*s, kWakeNow);
}

pid_t SessionManager::foregroundPid(Environment* env, uint32_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session* s = find(env, id);
  const pid_t group = s != nullptr && s->master ? foregroundGroup(s->master.get()) : -1;
  return group > 0 ? group : -1;
}

std::string SessionManager::foregroundProcess(Environment* env, uint32_t id) {
  const pid_t group = foregroundPid(env, id);
  return group > 0 ? processName(group) : "";
}

void SessionManager::close(Environment* env, uint32_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session* s = find(env, id);
  if (s != nullptr) requestClose(*s);
}

}  // namespace native_pty
