// One connection on ipc.sock: the frames it sends, and what it is owed. Output is never
// queued per client: a client keeps only its offset, and each OUTPUT frame is read from the
// record when the socket can take it, so a client that lags, however far, costs no memory and
// holds up nobody.
#pragma once

#include <cstdint>
#include <string>

#include "../posix/unique_fd.h"
#include "frames.h"

namespace vt_pipe {

class Record;

// What the forwarder does on behalf of a client's frame.
class ClientRequests {
 public:
  virtual ~ClientRequests() = default;
  virtual void input(const char* data, size_t length) = 0;
  // cols = rows = 0: back to the local (or headless default) size.
  virtual void resize(unsigned cols, unsigned rows) = 0;
  virtual void signal(int signal) = 0;
};

class Client {
 public:
  Client(native_pty::UniqueFd fd, double now) : fd_(std::move(fd)), lastProgress_(now) {}

  int fd() const { return fd_.get(); }
  bool closed() const { return !fd_.valid(); }
  // Reading stops once it has been told an error, or hung up.
  bool wantsRead() const { return !closing_ && !closed(); }
  // Whether poll should wait for the socket to take more.
  bool wantsWrite(const Record& record, bool exited) const;
  double lastProgress() const { return lastProgress_; }

  void queueControl(const std::string& frame);
  // Reads and handles what arrived. `exited`: the command is gone (no more input).
  void onReadable(ClientRequests& requests, const Record& record);
  // Sends what it can: control frames, output from the record, then EXIT once the command has
  // exited and every byte went out. `exitJson` is the EXIT payload.
  void flush(const Record& record, bool exited, const std::string& exitJson, double now);
  void close() { fd_.reset(); }

 private:
  void handle(uint8_t type, const std::string& payload, ClientRequests& requests, const Record& record);
  void protocolError(const char* code, const std::string& message);

  native_pty::UniqueFd fd_;
  FrameReader reader_;
  bool attached_ = false;
  bool readOnly_ = false;
  bool closing_ = false;   // an ERROR is queued: close once it is sent
  bool exitSent_ = false;
  uint64_t offset_ = 0;    // the next output byte this client is owed
  std::string control_;    // control frames waiting to be sent
  std::string out_;        // the frame being sent
  size_t outSent_ = 0;
  double lastProgress_;
};

}  // namespace vt_pipe
