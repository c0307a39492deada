// SessionManager: the I/O thread. It keeps every kernel pty buffer empty (up to each
// session's high-water mark), flushes queued input, watches for exits and decides when
// JavaScript is woken.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "clock.h"
#include "session_manager.h"

namespace native_pty {
namespace {

// Fairness: one busy session may not hold the thread for longer than this many bytes a turn.
constexpr size_t kReadBudgetPerEvent = 1024 * 1024;
// How often exits are polled for children without an exit watch (Linux before 5.3).
constexpr int kPolledExitMs = 20;

uint32_t idOf(uint64_t token) { return static_cast<uint32_t>(token / 2); }
bool isExitToken(uint64_t token) { return token % 2 == 1; }
uint64_t masterToken(const Session& s) { return uint64_t{s.id} * 2; }

}  // namespace

void SessionManager::run(uint64_t generation) {
  // Named, so that a user who sees a busy thread in `top -H` or a profile knows whose it is.
  nameThisThread(kIoThreadName);
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
    releaseAfterBurst(lock, nowMs());
  }
}

void SessionManager::releaseAfterBurst(std::unique_lock<std::mutex>& lock, int64_t now) {
  if (readSinceRelease_ < kReleaseAfterBytes || now - lastReadMs_ < kQuietBeforeReleaseMs) return;
  readSinceRelease_ = 0;
  // Outside the lock: the JavaScript thread's calls do not wait for it.
  lock.unlock();
  BlockPool::instance().trim(0);
  releaseFreeMemory();
  lock.lock();
}

void SessionManager::onEvent(std::unique_lock<std::mutex>& lock, const PollEvent& event) {
  auto it = sessions_.find(idOf(event.token));
  if (it == sessions_.end()) return;  // closed since the wait returned
  Session& s = *it->second;
  if (isExitToken(event.token)) {
    tryReap(s);
  } else {
    onMasterEvent(lock, s, event.events);
  }
}

void SessionManager::onMasterEvent(std::unique_lock<std::mutex>& lock, Session& s,
                                   uint32_t events) {
  if (!s.master) return;
  if (events & kWritable) flushInput(s);
  const bool reading = (s.registered & kReadable) != 0;
  if (reading && (events & (kReadable | kHangup))) readOutput(lock, s, kReadBudgetPerEvent);
  if ((events & kHangup) && !reading) {
    // The terminal hung up while its output is held back by a full buffer: input can no
    // longer be delivered, and a hang-up stays reported until we stop polling the master.
    s.discardInput();
  }
  if (s.phase == Phase::kHungUp) tryReap(s);  // the child is usually exiting right now
  if (!s.finished()) updateInterest(s);
}

// The mutex is released around each read(): the JavaScript thread must never wait behind the
// kernel (with 50 busy sessions it otherwise waited tens of milliseconds for readAll()).
// Meanwhile the session cannot go away: only this thread closes masters and finishes
// sessions, and only finished sessions are erased by the JavaScript thread.
void SessionManager::readOutput(std::unique_lock<std::mutex>& lock, Session& s, size_t limit,
                                bool pastHighWaterMark) {
  size_t total = 0;
  bool ended = false;
  while (total < limit && (pastHighWaterMark || s.output.size() < readLimit(s))) {
    const int fd = s.master.get();
    lock.unlock();
    const ssize_t n = ::read(fd, scratch_.data(), scratch_.size());
    const int err = errno;
    lock.lock();
    if (n > 0) {
      if (!s.output.append(scratch_.data(), static_cast<size_t>(n))) {
        // Out of memory. A vector would have thrown (and the process aborted); the session
        // ends instead, with what it had delivered: its terminal is closed, the child gets
        // SIGHUP, and the exit is reported.
        requestClose(s);
        break;
      }
      total += static_cast<size_t>(n);
      readSinceRelease_ += static_cast<size_t>(n);
      lastReadMs_ = nowMs();
      continue;
    }
    if (n < 0 && err == EINTR) continue;
    if (n < 0 && err == EAGAIN) break;
    // EIO (Linux) or EOF: every slave fd is closed and everything before it has been read.
    ended = true;
    break;
  }
  // A paused session is queued again, with a wake, when it resumes. The echo of typed input
  // is what a person waits for, and a full buffer stops the child: neither waits for the gap.
  if (total > 0 && !s.paused) {
    const bool now = s.echoAwaited || s.output.size() >= s.highWaterMark;
    markReady(s, now ? kWakeNow : kWakeAfterGap);
  }
  if (total > 0) s.echoAwaited = false;
  if (ended) endOutput(s);
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
  if (s.inputDrain == InputDrain::kWanted) {
    // JavaScript was told to hold off: tell it that it may write again.
    s.inputDrain = InputDrain::kReportable;
    markReady(s, kWakeAfterGap);
  }
}

void SessionManager::updateInterest(Session& s) {
  uint32_t wanted = 0;
  if (s.master) {
    if (!s.outputEnded() && s.output.size() < readLimit(s)) wanted |= kReadable;
    if (s.pendingInput() > 0) wanted |= kWritable;
  }
  if ((wanted & kReadable) && s.phase == Phase::kReaped && s.graceDeadlineMs < 0) {
    // Reaped while the buffer was full: the grace period for EOF starts once we read again.
    startGrace(s);
    poller_.notify();
  }
  if (wanted == s.registered) return;
  // A master whose terminal hung up reports that on every wait while it is registered, so a
  // session with nothing to do is removed from the poller rather than left with no events.
  int err;
  if (s.registered == 0) {
    err = poller_.add(s.master.get(), masterToken(s), wanted);
  } else if (wanted == 0) {
    err = poller_.remove(s.master.get());
  } else {
    err = poller_.modify(s.master.get(), masterToken(s), wanted);
  }
  if (err != 0) {
    // Only ENOMEM or ENOSPC (the user's epoll watch limit) can get here: the session could
    // never be read or written again. Its terminal is closed instead (the child gets SIGHUP),
    // so that what was already read is delivered and the exit follows, rather than a session
    // that hangs for ever.
    requestClose(s);
    return;
  }
  s.registered = wanted;
}

void SessionManager::markReady(Session& s, WakeUrgency urgency) {
  if (s.owner == nullptr) return;
  if (s.onReadyList) {
    // A wake is on its way and its drain takes this news too; only bring it forward. Whether
    // the buffer was empty before a read says nothing: JavaScript may have drained it while
    // the mutex was released, and then the session is off the list and wakes again below.
    if (urgency == kWakeNow) s.owner->requestWake(nowMs(), 0);
    return;
  }
  s.onReadyList = true;
  s.owner->ready.push_back(s.id);
  s.owner->requestWake(nowMs(), urgency == kWakeNow ? 0 : s.gapMs);
}

int SessionManager::nextTimeoutMs(int64_t now) const {
  int64_t timeout = -1;
  auto sooner = [&](int64_t left) {
    left = std::max<int64_t>(0, left);
    if (timeout < 0 || left < timeout) timeout = left;
  };
  for (const Environment* env : envs_) {
    const int64_t at = env->deferredWakeAt();
    if (at >= 0) sooner(at - now);
  }
  for (uint32_t id : timed_) {
    const Session& s = *sessions_.at(id);
    if (s.exitPolled()) sooner(kPolledExitMs);
    if (s.inGrace()) sooner(s.graceDeadlineMs - now);
  }
  if (readSinceRelease_ >= kReleaseAfterBytes) sooner(lastReadMs_ + kQuietBeforeReleaseMs - now);
  return static_cast<int>(std::min<int64_t>(timeout, INT_MAX));
}

void SessionManager::runTimers(std::unique_lock<std::mutex>& lock, int64_t now) {
  for (Environment* env : envs_) env->fireDeferredWake(now);
  if (timed_.empty()) return;
  std::vector<Session*> expired;
  // A copy: reaping changes the set.
  const std::vector<uint32_t> timed(timed_.begin(), timed_.end());
  for (uint32_t id : timed) {
    Session& s = *sessions_.at(id);
    if (s.exitPolled()) tryReap(s);
    if (s.inGrace() && s.graceDeadlineMs <= now) expired.push_back(&s);
  }
  // Outside the walk: readOutput() releases the mutex, and the JavaScript thread may add
  // sessions meanwhile (no session in `expired` can be erased, being unfinished).
  for (Session* s : expired) {
    // Descendants still hold the pts: take what the kernel holds now (bounded by its own
    // buffer, even past our high-water mark), then report the exit.
    if (s->master) readOutput(lock, *s, kHighWaterMark, true);
    finish(*s);
  }
}

}  // namespace native_pty
