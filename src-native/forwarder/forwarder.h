// vt-pipe's event loop: one thread, poll(2) over the pty master, the local terminal, the
// listening socket, every client and a self-pipe for signals. Output goes to the record first,
// then to the local terminal (which paces the command, as any terminal does), and clients are
// served from the record at their own pace.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "../posix/unique_fd.h"
#include "client.h"
#include "local_terminal.h"
#include "record.h"
#include "session_dir.h"
#include "signal_pipe.h"

namespace vt_pipe {

struct ForwarderOptions {
  std::string controlDir;
  std::string sessionId;
  std::string name;
  bool headless = false;
  unsigned cols = 80;
  unsigned rows = 24;
  bool recordInput = false;
  std::vector<std::string> command;
};

// Exit statuses of the forwarder itself, as a shell reports them.
constexpr int kForwarderFailed = 125;
constexpr int kCannotExecute = 126;
constexpr int kNotFound = 127;

class Forwarder : private ClientRequests {
 public:
  explicit Forwarder(ForwarderOptions options);
  ~Forwarder() override;
  // Starts the command and serves it until it has ended and the clients have been served.
  // Returns the exit status; throws SystemError or Failure when the session cannot start.
  int run();

 private:
  void start();  // startup.cc
  void loop();
  void onSignal();
  void readOutput();
  void writeInput();
  void readLocalInput();
  void acceptClients();
  void endOutput();
  void finish();
  void hangUp();
  void applySize(unsigned cols, unsigned rows);
  void flushClients();
  std::string helloJson() const;
  void saveSession();

  // ClientRequests
  void input(const char* data, size_t length) override;
  void resize(unsigned cols, unsigned rows) override;
  void signal(int signal) override;

  ForwarderOptions options_;
  SessionInfo info_;
  std::string dir_;
  std::string socketPath_;
  LocalTerminal terminal_;
  std::unique_ptr<Record> record_;
  SignalPipe signals_;
  native_pty::UniqueFd listener_;
  native_pty::UniqueFd master_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::string pendingInput_;
  bool stdinOpen_ = true;
  bool stdoutOpen_ = true;
  bool reaped_ = false;
  bool outputEnded_ = false;
  bool finished_ = false;
  int waitStatus_ = 0;
  double reapedAt_ = 0;
  double lastOutputAt_ = 0;
  double killAt_ = 0;       // after a hang-up: SIGKILL the group if it is still there then
  double finishedAt_ = 0;
  std::string exitJson_;
};

}  // namespace vt_pipe
