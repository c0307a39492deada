// SessionManager: the I/O thread. It keeps every kernel pty buffer empty (up to each
// session's high-water mark), flushes queued input, reaps children and decides when an exit
// can be reported: only once the child is reaped AND its output has ended.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>

#include "session_manager.h"

namespace native_pty {
namespace {

// Fairness: one busy session may not hold the thread for longer than this many bytes a turn.
constexpr size_t kReadBudgetPerEvent = 1024 * 1024;
// How often exits are polled for children without a pidfd (kernels before 5.3).
constexpr int kPidlessPollMs = 20;

int64_t nowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

uint32_t idOf(uint64_t token) { return static_cast<uint32_t>(token / 2); }
bool isPidfdToken(uint64_t token) { return token % 2 == 1; }
uint64_t masterToken(const Session& s) { return uint64_t{s.id} * 2; }

}  // namespace

void SessionManager::run(uint64_t generation) {
  std::vector<PollEvent> events;
  std::unique_lock<std::mutex> lock(mutex_);
  while (generation_ == generation) {
    const int timeout = nextTimeoutMs(nowMs());
    lock.unlock();
    poller_.wait(timeout, &events);
    lock.lock();
    processCloseRequests();
    for (const PollEvent& event : events) onEvent(lock, event);
    runTimers(lock, nowMs());
    sweepOrphans();
  }
}

void SessionManager::onEvent(std::unique_lock<std::mutex>& lock, const PollEvent& event) {
  auto it = sessions_.find(idOf(event.token));
  if (it == sessions_.end()) return;  // closed since the wait returned
  Session& s = *it->second;
  if (isPidfdToken(event.token)) {
    tryReap(s);
  } else {
    onMasterEvent(lock, s, event.events);
  }
}

void SessionManager::onMasterEvent(std::unique_lock<std::mutex>& lock, Session& s, uint32_t events) {
  if (!s.master) return;
  if (events & kWritable) flushInput(s);
  const bool reading = (s.registered & kReadable) != 0;
  if (reading && (events & (kReadable | kHangup))) readOutput(lock, s, kReadBudgetPerEvent);
  if ((events & kHangup) && !reading) {
    // The terminal hung up while its output is held back by a full buffer: input can no
    // longer be delivered, and a hang-up stays reported until we stop polling the master.
    s.discardInput();
  }
  if (s.outputEnded && !s.reaped) tryReap(s);  // the child is usually exiting right now
  if (s.outputEnded && s.reaped) {
    finish(s);
  } else {
    updateInterest(s);
  }
}

// The mutex is released around each read(): the JavaScript thread must never wait behind the
// kernel (with 50 busy sessions it otherwise waited tens of milliseconds for readAll()).
// Meanwhile the session cannot go away: only this thread closes masters and finishes
// sessions, and only finished sessions are erased by the JavaScript thread.
void SessionManager::readOutput(std::unique_lock<std::mutex>& lock, Session& s, size_t limit,
                                bool pastHighWaterMark) {
  size_t total = 0;
  while (total < limit && (pastHighWaterMark || s.output.size() < kHighWaterMark)) {
    const int fd = s.master.get();
    lock.unlock();
    const ssize_t n = ::read(fd, scratch_.data(), scratch_.size());
    const int err = errno;
    lock.lock();
    if (n > 0) {
      s.output.insert(s.output.end(), scratch_.data(), scratch_.data() + n);
      total += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && err == EINTR) continue;
    if (n < 0 && err == EAGAIN) break;
    // EIO (Linux) or EOF: every slave fd is closed and everything before it has been read.
    s.outputEnded = true;
    s.discardInput();
    break;
  }
  if (total == 0) return;
  // Wake the JavaScript side for new output in wake mode, and in any mode when the buffer is
  // full, so that throughput does not wait for the next poll.
  WakeUrgency wake = kNoWake;
  if (s.output.size() >= kHighWaterMark) {
    wake = kWakeNow;
  } else if (s.wake && !s.paused && (!s.queued || s.inputSinceOutput)) {
    // A queued session has a drain on its way, and that drain takes this output too. Whether
    // the buffer was empty when the read began says nothing: JavaScript may have drained it
    // while the mutex was released, and then only a new wake delivers what was just read.
    // A paused session is queued again, with a drain, when it resumes.
    // The echo of typed input is what a person waits for; other output may wait out the gap.
    wake = s.inputSinceOutput ? kWakeNow : kWakeSoon;
  }
  s.inputSinceOutput = false;
  markReady(s, wake);
}

void SessionManager::flushInput(Session& s) {
  while (s.pendingInput() > 0) {
    ssize_t n = ::write(s.master.get(), s.input.data() + s.inputOffset, s.pendingInput());
    if (n > 0) {
      s.inputOffset += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    s.discardInput();  // EIO: hung up, nobody can read it any more
    return;
  }
  if (s.pendingInput() > 0) {
    if (s.inputOffset > s.input.size() / 2) {
      s.input.erase(0, s.inputOffset);
      s.inputOffset = 0;
    }
    return;
  }
  s.input.clear();
  s.inputOffset = 0;
  if (s.drainWanted) {
    // JavaScript was told to hold off: tell it that it may write again.
    s.drainWanted = false;
    s.inputDrained = true;
    markReady(s, s.wake ? kWakeSoon : kNoWake);
  }
}

void SessionManager::updateInterest(Session& s) {
  uint32_t wanted = 0;
  if (s.master) {
    if (!s.outputEnded && s.output.size() < kHighWaterMark) wanted |= kReadable;
    if (s.pendingInput() > 0) wanted |= kWritable;
  }
  if ((wanted & kReadable) && s.reaped && s.graceDeadlineMs < 0) {
    // Reaped while the buffer was full: the grace period for EOF starts once we read again.
    startGrace(s);
    poller_.notify();
  }
  if (wanted == s.registered) return;
  // A master whose terminal hung up reports that on every wait while it is registered, so a
  // session with nothing to do is removed from the poller rather than left with no events.
  if (s.registered == 0) {
    poller_.add(s.master.get(), masterToken(s), wanted);
  } else if (wanted == 0) {
    poller_.remove(s.master.get());
  } else {
    poller_.modify(s.master.get(), masterToken(s), wanted);
  }
  s.registered = wanted;
}

void SessionManager::tryReap(Session& s) {
  if (s.reaped) return;
  int status = 0;
  pid_t r = ::waitpid(s.pid, &status, WNOHANG);
  if (r == 0 || (r < 0 && errno != ECHILD)) return;
  s.reaped = true;
  if (r == s.pid && WIFEXITED(status)) s.exitCode = WEXITSTATUS(status);
  if (r == s.pid && WIFSIGNALED(status)) s.exitSignal = WTERMSIG(status);
  // ECHILD: someone else reaped it (SIGCHLD set to SIG_IGN); the status is lost, report 0.
  if (s.pidfd) {
    poller_.remove(s.pidfd.get());
    s.pidfd.reset();
  } else {
    --sessionsWithoutPidfd_;
  }
  if (s.outputEnded) {
    finish(s);
  } else if (s.registered & kReadable) {
    startGrace(s);
  }
}

void SessionManager::startGrace(Session& s) {
  if (s.graceDeadlineMs < 0) ++sessionsInGrace_;
  s.graceDeadlineMs = nowMs() + kExitGraceMs;
}

void SessionManager::closeMaster(Session& s) {
  if (!s.master) return;
  if (s.registered != 0) poller_.remove(s.master.get());
  s.registered = 0;
  s.master.reset();
  s.outputEnded = true;
  s.discardInput();
}

void SessionManager::processCloseRequests() {
  for (uint32_t id : closeRequests_) {
    auto it = sessions_.find(id);
    if (it == sessions_.end()) continue;
    Session& s = *it->second;
    closeMaster(s);
    if (s.reaped) finish(s);
  }
  closeRequests_.clear();
}

void SessionManager::finish(Session& s) {
  if (s.finished) return;
  closeMaster(s);
  s.finished = true;
  if (s.graceDeadlineMs >= 0) --sessionsInGrace_;
  s.graceDeadlineMs = -1;
  markReady(s, s.wake ? kWakeSoon : kNoWake);
}

void SessionManager::markReady(Session& s, WakeUrgency wake) {
  if (s.owner == nullptr) return;
  if (!s.queued) {
    s.queued = true;
    s.owner->ready.push_back(s.id);
  }
  if (s.owner->parked) {
    s.owner->parked = false;
    wake = kWakeNow;
  }
  if (wake != kNoWake) s.owner->requestWake(nowMs(), wake == kWakeNow);
}

int SessionManager::nextTimeoutMs(int64_t now) const {
  int64_t timeout = sessionsWithoutPidfd_ > 0 ? kPidlessPollMs : -1;
  for (const EnvState* env : envs_) {
    const int64_t at = env->deferredWakeAt();
    if (at < 0) continue;
    const int64_t left = std::max<int64_t>(0, at - now);
    if (timeout < 0 || left < timeout) timeout = left;
  }
  if (sessionsInGrace_ == 0) return static_cast<int>(timeout);
  for (const auto& entry : sessions_) {
    const Session& s = *entry.second;
    if (s.graceDeadlineMs < 0 || s.finished) continue;
    const int64_t left = std::max<int64_t>(0, s.graceDeadlineMs - now);
    if (timeout < 0 || left < timeout) timeout = left;
  }
  return static_cast<int>(std::min<int64_t>(timeout, INT_MAX));
}

void SessionManager::runTimers(std::unique_lock<std::mutex>& lock, int64_t now) {
  for (EnvState* env : envs_) env->fireDeferredWake(now);
  if (sessionsWithoutPidfd_ == 0 && sessionsInGrace_ == 0) return;
  std::vector<Session*> expired;
  for (auto& entry : sessions_) {
    Session& s = *entry.second;
    if (s.finished) continue;
    if (!s.reaped && !s.pidfd) tryReap(s);
    if (!s.finished && s.graceDeadlineMs >= 0 && s.graceDeadlineMs <= now) expired.push_back(&s);
  }
  // Outside the walk over the map: readOutput() releases the mutex, and the JavaScript thread
  // may add sessions meanwhile (no session in `expired` can be erased, being unfinished).
  for (Session* s : expired) {
    // Descendants still hold the pts: take what the kernel holds now (bounded by its own
    // buffer, even past our high-water mark), then report the exit.
    if (s->master) readOutput(lock, *s, kHighWaterMark, true);
    finish(*s);
  }
}

void SessionManager::sweepOrphans() {
  if (orphans_ == 0) return;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    Session& s = *it->second;
    if (s.owner == nullptr && !s.reaped) tryReap(s);
    if (s.owner == nullptr && s.reaped) {
      if (s.graceDeadlineMs >= 0) --sessionsInGrace_;
      --orphans_;
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace native_pty
