// vt-pipe [options] [--] COMMAND [ARGS...]: runs COMMAND on a pty in this terminal and shares
// the session over a Unix socket (FORWARDER.md). Exit status: the command's; 128 + N when
// signal N ended it; 125 when vt-pipe failed before the command ran; 127 / 126 when the command
// was not found / could not be executed.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "../posix/system_error.h"
#include "forwarder.h"

namespace {

constexpr const char* kUsage =
    "usage: vt-pipe [options] [--] COMMAND [ARGS...]\n"
    "  --control-dir DIR   where session directories live (default: $NATIVE_PTY_CONTROL_DIR,\n"
    "                      else $XDG_RUNTIME_DIR/native-pty, else /tmp/native-pty-$UID)\n"
    "  --session-id ID     [A-Za-z0-9_-]{1,64}; default: 128 random bits\n"
    "  --name NAME         a display name for session.json\n"
    "  --headless          no local terminal; the size comes from --cols/--rows or a client\n"
    "  --cols N --rows N   initial size in headless mode (default 80x24)\n"
    "  --record-input      also record input in output.cast (it may hold passwords)\n"
    "  --help, --version\n";

[[noreturn]] void usageError(const std::string& message) {
  std::fprintf(stderr, "vt-pipe: %s\n%s", message.c_str(), kUsage);
  std::exit(vt_pipe::kForwarderFailed);
}

unsigned sizeArgument(const char* option, const char* value) {
  char* end;
  errno = 0;
  const unsigned long n = std::strtoul(value, &end, 10);
  if (errno != 0 || *end != '\0' || end == value || n < 1 || n > 65535) {
    usageError(std::string(option) + " must be a number from 1 to 65535");
  }
  return static_cast<unsigned>(n);
}

vt_pipe::ForwarderOptions parse(int argc, char** argv) {
  vt_pipe::ForwarderOptions options;
  int i = 1;
  const auto value = [&](const char* option) -> const char* {
    if (i + 1 >= argc) usageError(std::string(option) + " needs a value");
    return argv[++i];
  };
  for (; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg.empty() || arg[0] != '-') break;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (arg == "--version") {
      // The protocol is what a client must match; the package's version is in its package.json.
      std::puts("vt-pipe (native-pty), protocol 1");
      std::exit(0);
    } else if (arg == "--control-dir") {
      options.controlDir = value("--control-dir");
    } else if (arg == "--session-id") {
      options.sessionId = value("--session-id");
      if (!vt_pipe::validSessionId(options.sessionId)) usageError("--session-id must match [A-Za-z0-9_-]{1,64}");
    } else if (arg == "--name") {
      options.name = value("--name");
    } else if (arg == "--headless") {
      options.headless = true;
    } else if (arg == "--cols") {
      options.cols = sizeArgument("--cols", value("--cols"));
    } else if (arg == "--rows") {
      options.rows = sizeArgument("--rows", value("--rows"));
    } else if (arg == "--record-input") {
      options.recordInput = true;
    } else {
      usageError("unknown option " + arg);
    }
  }
  for (; i < argc; ++i) options.command.emplace_back(argv[i]);
  if (options.command.empty()) usageError("no command given");
  if (options.controlDir.empty()) options.controlDir = vt_pipe::defaultControlDir();
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  vt_pipe::ForwarderOptions options = parse(argc, argv);
  try {
    if (options.sessionId.empty()) options.sessionId = vt_pipe::randomSessionId();
    vt_pipe::Forwarder forwarder(std::move(options));
    return forwarder.run();
  } catch (const native_pty::SystemError& error) {
    // The command could not be started: report it as a shell would.
    const bool exec = error.syscall == "execve" || error.syscall == "execvp";
    std::fprintf(stderr, "vt-pipe: %s\n", native_pty::describe(error).c_str());
    if (exec) return error.err == ENOENT ? vt_pipe::kNotFound : vt_pipe::kCannotExecute;
    return vt_pipe::kForwarderFailed;
  } catch (const vt_pipe::Failure& failure) {
    std::fprintf(stderr, "vt-pipe: %s\n", failure.message.c_str());
    return vt_pipe::kForwarderFailed;
  }
}
