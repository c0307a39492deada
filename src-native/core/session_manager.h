// The global session map and the one native I/O thread that serves every session of every
// environment in the process. Platform-neutral: readiness, exit watching and process names
// come from the backend (backend.h), terminal ioctls from posix/pty.h. What the JavaScript
// thread calls lives in session_manager.cc, the I/O thread in io_loop.cc, and the session's
// phase changes (exit policy) in session_exit.cc.
#pragma once

#include <sys/types.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "../posix/spawn.h"
#include "backend.h"
#include "environment.h"
#include "session.h"

namespace native_pty {

enum class KillTarget { kProcess = 0, kGroup = 1, kForeground = 2 };

// What one drain hands to JavaScript for one session.
struct Drained {
  uint32_t id;
  BlockPtr data;  // null when there is no output
  bool finished;
  int exitCode;
  int exitSignal;
  bool inputDrained;  // input that had reached kInputHighWaterMark has all been taken
};

class SessionManager {
 public:
  // Per session, by default (the highWaterMark option): the I/O thread stops reading a master
  // whose buffer holds this much, so the kernel blocks the child until JavaScript drains it.
  static constexpr size_t kHighWaterMark = 1024 * 1024;
  // The same for a session JavaScript has paused: it is behind on purpose (a slow viewer), and
  // every byte read past this only adds to what it must get through before, say, the prompt
  // after a Ctrl+C (1 MiB held meant a second of stale `yes` in a browser).
  static constexpr size_t kPausedHighWaterMark = 64 * 1024;
  static size_t readLimit(const Session& s) {
    return s.paused ? std::min(kPausedHighWaterMark, s.highWaterMark) : s.highWaterMark;
  }
  // Per session: once this much input waits for the child, write() tells JavaScript to hold
  // off (it still queues everything), and the I/O thread reports when the queue has emptied.
  static constexpr size_t kInputHighWaterMark = 1024 * 1024;
  // How long an exit waits for the pts to close after the child was reaped (descendants may
  // hold it open). Documented in the README.
  static constexpr int64_t kExitGraceMs = 100;
  // After at least kReleaseAfterBytes of output, once every session has been quiet this long,
  // the I/O thread hands the memory that output passed through back to the kernel: the pool's
  // idle blocks (up to BlockPool::kMaxIdleBytes) and what glibc keeps of a burst's peak (1,000
  // sessions streaming at once: about 10 MB). Not sooner: the next burst would fault it all in
  // again. With 200 ms, a 64 MiB burst of Buffers after a 300 ms pause ran 7-18% slower than one
  // right after another (2026-12-05, four windows); with 5 s, no slower. A person's commands
  // and an agent's come seconds apart; an idle server still settles within seconds.
  static constexpr size_t kReleaseAfterBytes = 1024 * 1024;
  static constexpr int64_t kQuietBeforeReleaseMs = 5000;

  // The I/O thread's name, as the system shows it (15 characters at most on Linux).
  static constexpr const char* kIoThreadName = "native-pty io";

  // The process-wide instance. Never destroyed: the I/O thread may outlive static destructors
  // when the process exits without environment cleanup.
  static SessionManager& instance();

  void attachEnv(Environment* env);
  // Closes the environment's masters (children get SIGHUP) and forgets it; stops and joins the
  // I/O thread when it was the last environment.
  void detachEnv(Environment* env);

  // JavaScript-thread operations on the caller's own sessions. Unknown ids are ignored.
  // add() throws SystemError when the session cannot be served (the child is then killed).
  uint32_t add(Environment* env, SpawnedChild child, int64_t gapMs, size_t highWaterMark);
  size_t write(Environment* env, uint32_t id, const char* data, size_t length);
  // Drains ready sessions in the order their news arrived, until maxBytes have been taken.
  std::vector<Drained> drainReady(Environment* env, size_t maxBytes);
  BlockPtr drainOne(Environment* env, uint32_t id);
  void resize(Environment* env, uint32_t id, unsigned short cols, unsigned short rows,
              unsigned short xpixel, unsigned short ypixel);
  void kill(Environment* env, uint32_t id, int signal, KillTarget target);
  void setPaused(Environment* env, uint32_t id, bool paused);
  // The terminal's foreground process group (its leader's pid: the shell, or the job it runs),
  // or -1; and that process's name, or "".
  pid_t foregroundPid(Environment* env, uint32_t id);
  std::string foregroundProcess(Environment* env, uint32_t id);
  void close(Environment* env, uint32_t id);

  // Registered with atexit: stops the I/O thread before static destructors run.
  void stopAtExit();

 private:
  SessionManager() = default;

  Session* find(Environment* env, uint32_t id);
  void ensureThreadLocked();
  std::thread stopThreadLocked();

  // io_loop.cc: the I/O thread, and the state changes it shares with the JS thread.
  void run(uint64_t generation);
  void onEvent(std::unique_lock<std::mutex>& lock, const PollEvent& event);
  void onMasterEvent(std::unique_lock<std::mutex>& lock, Session& s, uint32_t events);
  void readOutput(std::unique_lock<std::mutex>& lock, Session& s, size_t limit,
                  bool pastHighWaterMark = false);
  void flushInput(Session& s);
  void updateInterest(Session& s);
  // kWakeNow: the echo of typed input, a full buffer, an exit, a resume. kWakeAfterGap: other
  // output and drained input, within the session's gap.
  enum WakeUrgency { kWakeAfterGap, kWakeNow };
  void markReady(Session& s, WakeUrgency wake);
  int nextTimeoutMs(int64_t now) const;
  void runTimers(std::unique_lock<std::mutex>& lock, int64_t now);
  void releaseAfterBurst(std::unique_lock<std::mutex>& lock, int64_t now);

  // session_exit.cc: the exit policy, the only place a session's phase changes.
  void tryReap(Session& s);
  void endOutput(Session& s);
  void startGrace(Session& s);
  void finish(Session& s);
  void closeMaster(Session& s);
  // Masters are closed only by the I/O thread (which reads them without holding the mutex):
  // other threads queue the request here and notify it.
  void requestClose(Session& s);
  void processCloseRequests();
  void sweepOrphans();
  // Files the session under the timers it needs (a polled exit, a grace deadline), from its
  // state: the sets below are derived here and nowhere else.
  void refreshTimers(Session& s);
  void forget(uint32_t id);

  std::mutex mutex_;
  std::unordered_map<uint32_t, std::unique_ptr<Session>> sessions_;
  std::unordered_set<Environment*> envs_;
  Poller poller_;
  std::thread thread_;
  uint64_t generation_ = 0;  // the running I/O thread's; bumped to stop it
  uint32_t nextId_ = 1;
  std::unordered_set<uint32_t> timed_;    // exitPolled() or inGrace()
  std::unordered_set<uint32_t> orphans_;  // their environment is gone; reaped, then erased
  std::vector<char> scratch_;             // the I/O thread's read buffer
  // Output read since memory was last handed back (see releaseAfterBurst), and when the last
  // of it came.
  size_t readSinceRelease_ = 0;
  int64_t lastReadMs_ = 0;
  std::vector<uint32_t> closeRequests_;
};

}  // namespace native_pty
