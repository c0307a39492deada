#include "record.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "../posix/system_error.h"
#include "../posix/utf8.h"
#include "json.h"

namespace vt_pipe {
namespace {

double monotonicSeconds() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

native_pty::UniqueFd create(const std::string& path) {
  native_pty::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600));
  if (!fd) throw native_pty::SystemError{errno, "open", path, "record"};
  return fd;
}

bool writeAll(int fd, const char* data, size_t length) {
  while (length > 0) {
    const ssize_t n = ::write(fd, data, length);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    length -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Record::Record(const std::string& dir, unsigned cols, unsigned rows, const std::string& commandLine,
               bool recordInput)
    : raw_(create(dir + "/output.raw")),
      cast_(create(dir + "/output.cast")),
      recordInput_(recordInput),
      start_(monotonicSeconds()) {
  char header[256];
  std::snprintf(header, sizeof header, "{\"version\":2,\"width\":%u,\"height\":%u,\"timestamp\":%lld,\"command\":",
                cols, rows, static_cast<long long>(::time(nullptr)));
  const std::string line = header + jsonString(commandLine) + ",\"env\":{\"TERM\":" +
                           jsonString(::getenv("TERM") ? ::getenv("TERM") : "xterm-256color") + "}}\n";
  if (!writeAll(cast_.get(), line.data(), line.size())) {
    throw native_pty::SystemError{errno, "write", dir + "/output.cast", "record"};
  }
}

double Record::elapsed() const { return monotonicSeconds() - start_; }

void Record::output(const char* data, size_t length) {
  if (!writeAll(raw_.get(), data, length) && !reportedFailure_) {
    reportedFailure_ = true;
    std::perror("vt-pipe: writing output.raw");
  }
  end_ += length;
  if (carry_.empty()) {
    // The common case: no character was left open by the previous read, nothing to join.
    const size_t tail = native_pty::incompleteUtf8Tail(data, length);
    if (length > tail) event("o", data, length - tail);
    carry_.assign(data + length - tail, tail);
    return;
  }
  std::string text = carry_;
  text.append(data, length);
  const size_t tail = native_pty::incompleteUtf8Tail(text.data(), text.size());
  carry_.assign(text, text.size() - tail, tail);
  if (text.size() > tail) event("o", text.data(), text.size() - tail);
}

void Record::input(const char* data, size_t length) {
  if (recordInput_) event("i", data, length);
}

void Record::resize(unsigned cols, unsigned rows) {
  char size[32];
  const int n = std::snprintf(size, sizeof size, "%ux%u", cols, rows);
  event("r", size, static_cast<size_t>(n));
}

void Record::finish() {
  if (!carry_.empty()) event("o", carry_.data(), carry_.size());
  carry_.clear();
}

void Record::event(const char* code, const char* data, size_t length) {
  char head[64];
  std::snprintf(head, sizeof head, "[%.6f, \"%s\", ", elapsed(), code);
  std::string& line = line_;
  line.clear();
  line.reserve(sizeof head + length + length / 8 + 4);
  line += head;
  appendJsonString(&line, data, length);
  line += "]\n";
  if (!writeAll(cast_.get(), line.data(), line.size()) && !reportedFailure_) {
    reportedFailure_ = true;
    std::perror("vt-pipe: writing output.cast");
  }
}

ssize_t Record::readAt(uint64_t offset, char* buffer, size_t max) const {
  for (;;) {
    const ssize_t n = ::pread(raw_.get(), buffer, max, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

}  // namespace vt_pipe
