// A Node-free check of the native core (spawn, the session manager, the I/O thread, the
// backend) for targets whose addon no Node here can load: the musl builds (no musl Node exists
// on npm or in Debian). Built with the target's toolchain by scripts/platforms/test-musl.mjs
// and run on real ptys: natively for x64, under qemu-user for arm64. Prints one line per check
// and "core-check: N/N passed"; exits 1 on any failure.
#include <errno.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "../../src-native/core/session_manager.h"
#include "../../src-native/posix/system_error.h"

namespace {

using native_pty::Drained;
using native_pty::SessionManager;

// The environment a Node thread would be: wakes become a condition variable's notifications.
class WaitingEnvironment final : public native_pty::Environment {
 public:
  // Waits up to timeoutMs for a wake; true if one came.
  bool waitForWake(int timeoutMs) {
    std::unique_lock<std::mutex> lock(mutex_);
    const bool woke = cv_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return woken_; });
    woken_ = false;
    return woke;
  }

 protected:
  bool canWake() const override { return true; }
  void wake() override {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
    cv_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool woken_ = false;
};

struct Outcome {
  std::string output;
  bool finished = false;
  int exitCode = -1;
  int exitSignal = -1;
};

// Spawns `command` under sh on a pty and collects everything until the exit (30 s at most).
Outcome runOnPty(WaitingEnvironment& env, const std::string& command) {
  native_pty::SpawnSpec spec;
  spec.file = "/bin/sh";
  spec.args = {"-c", command};
  spec.env = {"PATH=/usr/bin:/bin", "LC_ALL=C"};
  spec.cwd = "/";
  SessionManager& manager = SessionManager::instance();
  const uint32_t id = manager.add(&env, native_pty::spawnInPty(spec), 10, SessionManager::kHighWaterMark);
  Outcome outcome;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!outcome.finished && std::chrono::steady_clock::now() < deadline) {
    env.waitForWake(100);
    for (const Drained& d : manager.drainReady(&env, 1 << 20)) {
      if (d.id != id) continue;
      if (d.data) outcome.output.append(d.data->data(), d.data->size);
      if (d.finished) {
        outcome.finished = true;
        outcome.exitCode = d.exitCode;
        outcome.exitSignal = d.exitSignal;
      }
    }
  }
  manager.close(&env, id);
  return outcome;
}

int passed = 0;
int failed = 0;

// Control characters in `detail` (the pty's \r\n) are printed escaped, one check per line.
void check(bool ok, const std::string& what, const std::string& detail = "") {
  (ok ? passed : failed)++;
  std::string shown;
  for (char c : detail.substr(0, 200)) {
    if (c == '\r') shown += "\\r";
    else if (c == '\n') shown += "\\n";
    else shown += c;
  }
  std::printf("%s %s%s%s\n", ok ? "ok  " : "FAIL", what.c_str(), shown.empty() ? "" : ": ", shown.c_str());
}

}  // namespace

int main() {
  WaitingEnvironment env;
  SessionManager& manager = SessionManager::instance();
  manager.attachEnv(&env);

  const Outcome hello = runOnPty(env, "echo hello-$((6*7)); exit 7");
  check(hello.finished && hello.output == "hello-42\r\n", "output arrives whole before the exit", hello.output);
  check(hello.exitCode == 7 && hello.exitSignal == 0, "the exit code is the child's",
        std::to_string(hello.exitCode) + "/" + std::to_string(hello.exitSignal));

  const Outcome killed = runOnPty(env, "kill -TERM $$");
  check(killed.finished && killed.exitSignal == 15, "a signal is reported as the signal", std::to_string(killed.exitSignal));

  // 1 MiB through the pty's line discipline ("y\n" becomes "y\r\n"): every byte, in order.
  const Outcome flood = runOnPty(env, "yes | head -n 262144");
  std::string expected;
  for (int i = 0; i < 262144; ++i) expected += "y\r\n";
  check(flood.finished && flood.output == expected, "a 768 KiB stream arrives byte-exact",
        std::to_string(flood.output.size()) + " bytes");

  try {
    native_pty::SpawnSpec missing;
    missing.file = "/nonexistent/program";
    missing.cwd = "/";
    native_pty::spawnInPty(missing);
    check(false, "a missing program is an ENOENT error", "spawned");
  } catch (const native_pty::SystemError& error) {
    check(error.err == ENOENT && error.syscall == "execve", "a missing program is an ENOENT error",
          error.syscall + " " + std::to_string(error.err));
  }

  manager.detachEnv(&env);
  std::printf("core-check: %d/%d passed\n", passed, passed + failed);
  return failed == 0 ? 0 : 1;
}
