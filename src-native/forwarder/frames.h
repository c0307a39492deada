// The wire format of FORWARDER.md: [type: u8][length: u32 BE][payload], payload at most 1 MiB.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace vt_pipe {

enum FrameType : uint8_t {
  kHello = 0x01,
  kAttach = 0x02,
  kOutput = 0x03,
  kInput = 0x04,
  kResize = 0x05,
  kSignal = 0x06,
  kExit = 0x07,
  kPing = 0x08,
  kPong = 0x09,
  kError = 0x0a,
};

constexpr size_t kHeaderSize = 5;
constexpr uint32_t kMaxPayload = 1u << 20;

// A whole frame, header included.
std::string encodeFrame(FrameType type, const char* payload, size_t length);
inline std::string encodeFrame(FrameType type, const std::string& payload) {
  return encodeFrame(type, payload.data(), payload.size());
}
// The header of an OUTPUT frame of `length` bytes starting at `offset` (the bytes follow it).
std::string outputHeader(uint64_t offset, size_t length);

uint16_t readU16(const char* p);
uint32_t readU32(const char* p);

// Splits a byte stream into frames. feed() appends what a read returned; next() hands out one
// complete frame at a time. A header announcing more than kMaxPayload is an error as soon as
// it is read, before any of the payload is buffered.
class FrameReader {
 public:
  enum Status { kNeedMore, kFrame, kTooLarge };

  void feed(const char* data, size_t length) { buffer_.append(data, length); }
  Status next(uint8_t* type, std::string* payload);
  // Bytes of an unfinished frame (at EOF: a truncated frame).
  bool hasPartial() const { return consumed_ < buffer_.size(); }

 private:
  std::string buffer_;
  size_t consumed_ = 0;
};

}  // namespace vt_pipe
