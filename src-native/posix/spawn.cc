#include "spawn.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#ifdef __linux__
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "fd_ops.h"
#include "pty.h"
#include "system_error.h"

namespace native_pty {
namespace {

constexpr const char* kDefaultPath = "/usr/local/bin:/usr/bin:/bin";

// What the child reports over the error pipe when it cannot exec.
struct ChildFailure {
  int stage;  // one of the Stage values
  int err;
};
// Every call in the child that can fail has its own stage, so that the parent's error names
// the call that failed.
enum Stage {
  kStageSetsid,
  kStageControllingTerminal,
  kStageStdio,
  kStageSignalMask,
  kStageSetGroups,
  kStageSetGid,
  kStageSetUid,
  kStageChdir,
  kStageExec,
};

[[noreturn]] void fail(int err, const char* syscall, const std::string& path = "") {
  throw SystemError{err, syscall, path, ""};
}

bool isExecutableFile(const std::string& path, int* err) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    *err = errno;
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    *err = EACCES;
    return false;
  }
  if (::access(path.c_str(), X_OK) != 0) {
    *err = errno;
    return false;
  }
  return true;
}

std::string envValue(const std::vector<std::string>& env, const char* key) {
  const size_t keyLen = std::char_traits<char>::length(key);
  for (const std::string& entry : env) {
    if (entry.size() > keyLen && entry.compare(0, keyLen, key) == 0 && entry[keyLen] == '=') {
      return entry.substr(keyLen + 1);
    }
  }
  return kDefaultPath;
}

// execvp's lookup, done before fork against the PATH of the env the child gets. A name with
// a '/' is used as given (relative names resolve against the child's cwd at exec time).
std::string resolveExecutable(const SpawnSpec& spec) {
  if (spec.file.find('/') != std::string::npos) return spec.file;
  const std::string searchPath = envValue(spec.env, "PATH");
  int firstErr = ENOENT;
  size_t start = 0;
  while (start <= searchPath.size()) {
    size_t end = searchPath.find(':', start);
    if (end == std::string::npos) end = searchPath.size();
    std::string dir = searchPath.substr(start, end - start);
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + spec.file;
    int err = 0;
    if (isExecutableFile(candidate, &err)) return candidate;
    // Like execvp: a found-but-not-executable file wins over "not found" in the report.
    if (err == EACCES) firstErr = EACCES;
    start = end + 1;
  }
  fail(firstErr, "execvp", spec.file);
}

std::vector<char*> cStrings(const std::string& first, const std::vector<std::string>& rest) {
  std::vector<char*> out;
  out.reserve(rest.size() + 2);
  if (!first.empty()) out.push_back(const_cast<char*>(first.c_str()));
  for (const std::string& s : rest) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

int highestFdLimit() {
  struct rlimit limit;
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      limit.rlim_cur < static_cast<rlim_t>(INT_MAX)) {
    return static_cast<int>(limit.rlim_cur);
  }
  return 65536;
}

// Everything the child needs, prepared before fork so the child allocates nothing.
struct ChildPlan {
  int slave;
  int errorPipe;
  int fdLimit;
  const char* path;
  const char* name;  // what the kernel will call the process once exec has run
  const char* cwd;
  char* const* argv;
  char* const* envp;
  long uid;
  long gid;
};

void closeRange(unsigned first, unsigned last, int fdLimit) {
  if (first > last) return;
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, first, last, 0) == 0) return;
#endif
  for (unsigned fd = first; fd <= last && fd < static_cast<unsigned>(fdLimit); ++fd) ::close(fd);
}

#ifdef __linux__
// Raw system calls in the vforked child: glibc's wrappers would try to make every thread of
// the parent change ids too, and those threads are not in this child.
int dropGroups() { return static_cast<int>(::syscall(SYS_setgroups, 0, nullptr)); }
int setGroupId(gid_t gid) { return static_cast<int>(::syscall(SYS_setgid, gid)); }
int setUserId(uid_t uid) { return static_cast<int>(::syscall(SYS_setuid, uid)); }
#else
// macOS: the libc calls, which are plain system calls there (its syscall() is deprecated).
int dropGroups() { return ::setgroups(0, nullptr); }
int setGroupId(gid_t gid) { return ::setgid(gid); }
int setUserId(uid_t uid) { return ::setuid(uid); }
#endif

[[noreturn]] void reportAndExit(int errorPipe, int stage) {
  ChildFailure failure{stage, errno};
  ssize_t ignored = ::write(errorPipe, &failure, sizeof failure);
  (void)ignored;
  ::_exit(127);
}

// Runs in the (v)forked child: async-signal-safe calls only (no malloc, no locks, no C++),
// and no return: the parent's stack frame must stay intact.
[[noreturn]] void runChild(const ChildPlan& plan) {
#ifdef __linux__
  // vfork resumes the parent during exec, before the kernel renames the process: without
  // this, the terminal's foreground process could read as 'node' for a moment after spawn.
  ::prctl(PR_SET_NAME, plan.name, 0, 0, 0);
#endif
  if (::setsid() < 0) reportAndExit(plan.errorPipe, kStageSetsid);
  if (::ioctl(plan.slave, TIOCSCTTY, 0) != 0) reportAndExit(plan.errorPipe, kStageControllingTerminal);
  for (int target = STDIN_FILENO; target <= STDERR_FILENO; ++target) {
    if (::dup2(plan.slave, target) < 0) reportAndExit(plan.errorPipe, kStageStdio);
  }
  closeRange(STDERR_FILENO + 1, static_cast<unsigned>(plan.errorPipe) - 1, plan.fdLimit);
  closeRange(static_cast<unsigned>(plan.errorPipe) + 1, ~0U, plan.fdLimit);

  if (plan.gid >= 0 || plan.uid >= 0) {
    if (dropGroups() != 0 && errno != EPERM) reportAndExit(plan.errorPipe, kStageSetGroups);
  }
  if (plan.gid >= 0 && setGroupId(static_cast<gid_t>(plan.gid)) != 0) {
    reportAndExit(plan.errorPipe, kStageSetGid);
  }
  if (plan.uid >= 0 && setUserId(static_cast<uid_t>(plan.uid)) != 0) {
    reportAndExit(plan.errorPipe, kStageSetUid);
  }

  // Fails only for SIGKILL and SIGSTOP (EINVAL), whose dispositions cannot be changed anyway.
  struct sigaction defaultAction {};
  defaultAction.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &defaultAction, nullptr);
  sigset_t empty;
  sigemptyset(&empty);
  if (::sigprocmask(SIG_SETMASK, &empty, nullptr) != 0) reportAndExit(plan.errorPipe, kStageSignalMask);

  if (::chdir(plan.cwd) != 0) reportAndExit(plan.errorPipe, kStageChdir);
  ::execve(plan.path, plan.argv, plan.envp);
  reportAndExit(plan.errorPipe, kStageExec);
}

// Blocks every signal for the lifetime of the object, so that no handler of the parent runs
// in the child between fork and the child's reset of dispositions.
class SignalBlocker {
 public:
  SignalBlocker() {
    sigset_t all;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &saved_);
  }
  ~SignalBlocker() { ::pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }

 private:
  sigset_t saved_;
};

SystemError describeFailure(const ChildFailure& failure, const SpawnSpec& spec,
                            const std::string& path) {
  // The failed call of each stage, in the order of Stage.
  static const char* const kCalls[] = {"setsid", "ioctl(TIOCSCTTY)", "dup2",   "sigprocmask",
                                       "setgroups", "setgid", "setuid", "chdir", "execve"};
  if (failure.stage == kStageChdir) return {failure.err, "chdir", spec.cwd, ""};
  if (failure.stage >= kStageSetsid && failure.stage < kStageExec) {
    return {failure.err, kCalls[failure.stage], "", ""};
  }
  return {failure.err, "execve", path, ""};
}

// Reads the child's report. Zero bytes mean the pipe closed at a successful exec.
bool readFailure(int fd, ChildFailure* failure) {
  size_t got = 0;
  auto* bytes = reinterpret_cast<char*>(failure);
  while (got < sizeof *failure) {
    ssize_t n = ::read(fd, bytes + got, sizeof *failure - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  return got == sizeof *failure;
}

}  // namespace

SpawnedChild spawnInPty(const SpawnSpec& spec) {
  const std::string path = resolveExecutable(spec);

  SpawnedChild child;
  child.master = openMaster();
  UniqueFd slave = openSlave(child.master.get(), &child.ptsName);
  configureTerminal(slave.get(), spec.cols, spec.rows);

  int pipeFds[2];
  const int pipeErr = openPipe(pipeFds, false);
  if (pipeErr != 0) fail(pipeErr, kPipeCall);
  UniqueFd errorRead(pipeFds[0]);
  UniqueFd errorWrite = moveAboveStdio(UniqueFd(pipeFds[1]));

  std::vector<char*> argv = cStrings(spec.file, spec.args);
  std::vector<char*> envp = cStrings("", spec.env);
  const std::string name = path.substr(path.find_last_of('/') + 1);
  const ChildPlan plan{slave.get(), errorWrite.get(), highestFdLimit(), path.c_str(), name.c_str(),
                       spec.cwd.c_str(), argv.data(), envp.data(), spec.uid, spec.gid};

  // vfork (Linux): the parent's page tables are not copied, so spawning costs the same for a
  // server with 50 MB or 5 GB resident; the parent waits for exec anyway to learn of its
  // failure. The child shares our memory until exec: it only writes its own stack and the
  // error pipe, and runs no signal handler of ours because every signal is blocked across the
  // call. vfork must be called here, not in a helper: a vforked child that returns from the
  // function that called vfork wrecks the frame the parent then returns through.
  // macOS: fork(), as vfork is deprecated there.
  pid_t pid;
  {
    SignalBlocker blocked;
#ifdef __linux__
    pid = ::vfork();
#else
    pid = ::fork();
#endif
    if (pid == 0) runChild(plan);
  }
  if (pid < 0) fail(errno, "fork");

  slave.reset();
  errorWrite.reset();
  ChildFailure failure{};
  if (readFailure(errorRead.get(), &failure)) {
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    throw describeFailure(failure, spec, path);
  }
  child.pid = pid;
  return child;
}

}  // namespace native_pty
