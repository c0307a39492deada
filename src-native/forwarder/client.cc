#include "client.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>

#include "../posix/fd_ops.h"
#include "json.h"
#include "record.h"

namespace vt_pipe {
namespace {

// One OUTPUT frame carries at most this much; smaller than the payload cap so that control
// frames (a PONG, a RESIZE) wait behind at most one of these.
constexpr size_t kOutputChunk = 64 * 1024;
// A client that sends PINGs but never reads the PONGs is dropped past this much.
constexpr size_t kMaxControl = 1 << 20;

std::string errorJson(const char* code, const std::string& message) {
  return std::string("{\"code\":") + jsonString(code) + ",\"message\":" + jsonString(message) + "}";
}

}  // namespace

bool Client::wantsWrite(const Record& record, bool exited) const {
  if (closed()) return false;
  if (outSent_ < out_.size() || !control_.empty()) return true;
  if (closing_) return true;  // to close after the error frame
  if (!attached_) return false;
  return offset_ < record.endOffset() || (exited && !exitSent_);
}

void Client::queueControl(const std::string& frame) {
  if (closed()) return;
  control_ += frame;
  if (control_.size() > kMaxControl) close();
}

void Client::protocolError(const char* code, const std::string& message) {
  queueControl(encodeFrame(kError, errorJson(code, message)));
  closing_ = true;
}

void Client::onReadable(ClientRequests& requests, const Record& record) {
  char buffer[64 * 1024];
  const ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, MSG_DONTWAIT);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) close();
    return;
  }
  if (n == 0) {
    // A frame cut short by the end of the stream is an error; the reply is best effort.
    if (reader_.hasPartial()) {
      protocolError("truncated", "the connection ended inside a frame");
      ::shutdown(fd_.get(), SHUT_RD);
    } else {
      close();
    }
    return;
  }
  reader_.feed(buffer, static_cast<size_t>(n));
  uint8_t type;
  std::string payload;
  while (!closing_ && !closed()) {
    const FrameReader::Status status = reader_.next(&type, &payload);
    if (status == FrameReader::kNeedMore) break;
    if (status == FrameReader::kTooLarge) {
      protocolError("frame-too-large", "a frame's payload is over 1 MiB");
      break;
    }
    handle(type, payload, requests, record);
  }
}

void Client::handle(uint8_t type, const std::string& payload, ClientRequests& requests, const Record& record) {
  switch (type) {
    case kHello:
    case kOutput:
    case kExit:
      return protocolError("unexpected-frame", "only the forwarder sends HELLO, OUTPUT and EXIT");
    case kPing:
      return queueControl(encodeFrame(kPong, payload));
    case kPong:
    case kError:
      if (!attached_) return protocolError("not-attached", "the first frame must be ATTACH or PING");
      return;
    case kAttach: {
      if (attached_) return protocolError("already-attached", "ATTACH may come only once");
      AttachRequest request;
      std::string why;
      if (!parseAttach(payload, &request, &why)) return protocolError("bad-attach", "ATTACH: " + why);
      const double from = request.hasFrom ? request.from : 0;
      if (!(from >= 0) || std::floor(from) != from) {
        return protocolError("bad-attach", "ATTACH: \"from\" must be a whole number >= 0");
      }
      // Past the end means live only.
      const double end = static_cast<double>(record.endOffset());
      offset_ = from > end ? record.endOffset() : static_cast<uint64_t>(from);
      readOnly_ = request.readOnly;
      attached_ = true;
      return;
    }
    default:
      break;
  }
  if (type != kInput && type != kResize && type != kSignal) return;  // unknown types are ignored
  if (!attached_) return protocolError("not-attached", "the first frame must be ATTACH or PING");
  if (type == kResize) {
    if (payload.size() != 4) return protocolError("bad-resize", "RESIZE takes 4 bytes");
    const unsigned cols = readU16(payload.data());
    const unsigned rows = readU16(payload.data() + 2);
    if ((cols == 0) != (rows == 0)) return protocolError("bad-resize", "RESIZE: cols and rows must be 1..65535, or both 0");
    if (!readOnly_) requests.resize(cols, rows);
  } else if (type == kSignal) {
    if (payload.size() != 1) return protocolError("bad-signal", "SIGNAL takes 1 byte");
    const int sig = static_cast<unsigned char>(payload[0]);
    if (sig < 1 || sig >= NSIG) return protocolError("bad-signal", "SIGNAL: no such signal");
    if (!readOnly_) requests.signal(sig);
  } else if (!readOnly_ && !payload.empty()) {
    requests.input(payload.data(), payload.size());
  }
}

void Client::flush(const Record& record, bool exited, const std::string& exitJson, double now) {
  while (!closed()) {
    if (outSent_ < out_.size()) {
      const ssize_t n = ::send(fd_.get(), out_.data() + outSent_, out_.size() - outSent_, MSG_DONTWAIT | native_pty::kSendNoSignal);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
        close();
        return;
      }
      outSent_ += static_cast<size_t>(n);
      lastProgress_ = now;
      continue;
    }
    out_.clear();
    outSent_ = 0;
    if (!control_.empty()) {
      out_.swap(control_);
      continue;
    }
    if (closing_) {
      close();
      return;
    }
    if (!attached_) return;
    const uint64_t end = record.endOffset();
    if (offset_ < end) {
      const size_t want = static_cast<size_t>(end - offset_ < kOutputChunk ? end - offset_ : kOutputChunk);
      // Read straight into the frame, behind its header (fixed up if the read came up short).
      // out_ keeps its capacity from frame to frame (clear and append, never a new string).
      out_.append(outputHeader(offset_, want));
      const size_t header = out_.size();
      out_.resize(header + want);
      const ssize_t got = record.readAt(offset_, &out_[header], want);
      if (got <= 0) {
        out_.clear();
        protocolError("record-unreadable", "the retained output could not be read");
        continue;
      }
      if (static_cast<size_t>(got) < want) {
        // The header has a fixed size: rewritten in place with the length read.
        out_.replace(0, header, outputHeader(offset_, static_cast<size_t>(got)));
        out_.resize(header + static_cast<size_t>(got));
      }
      offset_ += static_cast<uint64_t>(got);
      continue;
    }
    if (exited && !exitSent_) {
      exitSent_ = true;
      out_ = encodeFrame(kExit, exitJson);
      closing_ = true;  // the forwarder closes the connection after EXIT
      continue;
    }
    return;
  }
}

}  // namespace vt_pipe
