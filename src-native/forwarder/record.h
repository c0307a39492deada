// What the command wrote, kept on disk and not in memory: output.raw holds the bytes exactly
// (every client is served from it, at any offset, however far behind), output.cast is the
// asciicast v2 record. The whole session is retained.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "../posix/unique_fd.h"

namespace vt_pipe {

class Record {
 public:
  // Creates both files (0600) in `dir` and writes the cast header. Throws SystemError.
  Record(const std::string& dir, unsigned cols, unsigned rows, const std::string& commandLine,
         bool recordInput);

  void output(const char* data, size_t length);
  void input(const char* data, size_t length);
  void resize(unsigned cols, unsigned rows);
  // The end of the cast: a character left incomplete at the very end is written as U+FFFD.
  void finish();

  // Output bytes since the session started; the oldest retained is always 0.
  uint64_t endOffset() const { return end_; }
  // Up to `max` retained bytes from `offset` (< endOffset()); -1 with errno on failure.
  ssize_t readAt(uint64_t offset, char* buffer, size_t max) const;

 private:
  void event(const char* code, const char* data, size_t length);
  double elapsed() const;

  native_pty::UniqueFd raw_;
  native_pty::UniqueFd cast_;
  uint64_t end_ = 0;
  bool recordInput_;
  double start_;
  // The start of a UTF-8 character split across reads, held for the next "o" event.
  std::string carry_;
  // The event line being written, kept between events so that its memory is reused: an
  // allocator that hands large freed blocks back to the kernel (musl's) would otherwise
  // fault in fresh pages for every chunk of output.
  std::string line_;
  bool reportedFailure_ = false;
};

}  // namespace vt_pipe
