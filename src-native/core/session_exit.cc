// SessionManager: the exit policy. A session's phase (session.h) changes only here: the exit
// is reported once the child has been reaped AND its output has ended, or kExitGraceMs after
// reaping when descendants keep the terminal open. Runs on the I/O thread, except where the
// JavaScript thread closes sessions after the I/O thread has stopped (detachEnv).
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>

#include "clock.h"
#include "session_manager.h"

namespace native_pty {
void SessionManager::tryReap(Session& s) {
  if (s.reaped()) return;
  int status = 0;
  const pid_t r = ::waitpid(s.pid, &status, WNOHANG);
  if (r == 0 || (r < 0 && errno != ECHILD)) return;
  if (r == s.pid && WIFEXITED(status)) s.exitCode = WEXITSTATUS(status);
  if (r == s.pid && WIFSIGNALED(status)) s.exitSignal = WTERMSIG(status);
  // ECHILD: someone else reaped it (SIGCHLD set to SIG_IGN); the status is lost, report 0.
  poller_.unwatchExit(&s.exitWatch);
  if (s.phase == Phase::kHungUp) {
    finish(s);
    return;
  }
  s.phase = Phase::kReaped;
  if (s.registered & kReadable) startGrace(s);
  refreshTimers(s);
}

void SessionManager::endOutput(Session& s) {
  s.discardInput();
  if (s.phase == Phase::kRunning) s.phase = Phase::kHungUp;
  if (s.phase == Phase::kReaped) finish(s);
}

void SessionManager::startGrace(Session& s) {
  s.graceDeadlineMs = nowMs() + kExitGraceMs;
  refreshTimers(s);
}

void SessionManager::closeMaster(Session& s) {
  if (!s.master) return;
  if (s.registered != 0) poller_.remove(s.master.get());
  s.registered = 0;
  s.master.reset();
  s.discardInput();
  if (s.phase == Phase::kRunning) s.phase = Phase::kHungUp;
}

void SessionManager::finish(Session& s) {
  if (s.finished()) return;
  closeMaster(s);
  s.phase = Phase::kFinished;
  s.graceDeadlineMs = -1;
  refreshTimers(s);
  markReady(s, kWakeNow);
}

void SessionManager::requestClose(Session& s) {
  if (!s.master || s.closeRequested) return;
  s.closeRequested = true;
  closeRequests_.push_back(s.id);
  poller_.notify();
  if (!s.reaped()) ::kill(s.pid, SIGHUP);
}

void SessionManager::processCloseRequests() {
  for (uint32_t id : closeRequests_) {
    auto it = sessions_.find(id);
    if (it == sessions_.end()) continue;
    Session& s = *it->second;
    closeMaster(s);
    if (s.reaped()) finish(s);
  }
  closeRequests_.clear();
}

void SessionManager::sweepOrphans() {
  if (orphans_.empty()) return;
  const std::vector<uint32_t> orphans(orphans_.begin(), orphans_.end());
  for (uint32_t id : orphans) {
    Session& s = *sessions_.at(id);
    tryReap(s);
    if (s.reaped()) forget(id);
  }
}

void SessionManager::refreshTimers(Session& s) {
  if (s.exitPolled() || s.inGrace()) {
    timed_.insert(s.id);
  } else {
    timed_.erase(s.id);
  }
}

void SessionManager::forget(uint32_t id) {
  timed_.erase(id);
  orphans_.erase(id);
  sessions_.erase(id);
}

}  // namespace native_pty
