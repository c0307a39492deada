#include "frames.h"

namespace vt_pipe {

static void putU32(std::string* out, uint32_t v) {
  out->push_back(static_cast<char>(v >> 24));
  out->push_back(static_cast<char>(v >> 16));
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}

std::string encodeFrame(FrameType type, const char* payload, size_t length) {
  std::string out;
  out.reserve(kHeaderSize + length);
  out.push_back(static_cast<char>(type));
  putU32(&out, static_cast<uint32_t>(length));
  out.append(payload, length);
  return out;
}

std::string outputHeader(uint64_t offset, size_t length) {
  std::string out;
  out.push_back(static_cast<char>(kOutput));
  putU32(&out, static_cast<uint32_t>(8 + length));
  putU32(&out, static_cast<uint32_t>(offset >> 32));
  putU32(&out, static_cast<uint32_t>(offset));
  return out;
}

uint16_t readU16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>(u[0] << 8 | u[1]);
}

uint32_t readU32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return uint32_t{u[0]} << 24 | uint32_t{u[1]} << 16 | uint32_t{u[2]} << 8 | uint32_t{u[3]};
}

FrameReader::Status FrameReader::next(uint8_t* type, std::string* payload) {
  const size_t available = buffer_.size() - consumed_;
  if (available < kHeaderSize) {
    // Keep the buffer from growing without bound: drop what has been handed out.
    if (consumed_ > 0) {
      buffer_.erase(0, consumed_);
      consumed_ = 0;
    }
    return kNeedMore;
  }
  const char* header = buffer_.data() + consumed_;
  const uint32_t length = readU32(header + 1);
  if (length > kMaxPayload) return kTooLarge;
  if (available < kHeaderSize + length) return kNeedMore;
  *type = static_cast<uint8_t>(header[0]);
  payload->assign(header + kHeaderSize, length);
  consumed_ += kHeaderSize + length;
  return kFrame;
}

}  // namespace vt_pipe
