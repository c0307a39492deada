#include "output_values.h"

#include <algorithm>
#include <cstring>

namespace native_pty {
namespace {

bool inRange(unsigned char byte, unsigned char low, unsigned char high) { return byte >= low && byte <= high; }

// The length of the character that `lead` starts (2 to 4), or 0 when it starts none.
size_t sequenceLength(unsigned char lead) {
  if (inRange(lead, 0xC2, 0xDF)) return 2;
  if (inRange(lead, 0xE0, 0xEF)) return 3;
  if (inRange(lead, 0xF0, 0xF4)) return 4;
  return 0;
}

// Whether `byte` may follow `lead` as the second byte (the Unicode standard's table 3-7, which
// the WHATWG decoder that V8 implements follows): no overlong forms, no surrogates, nothing past
// U+10FFFF.
bool validSecond(unsigned char lead, unsigned char byte) {
  switch (lead) {
    case 0xE0: return inRange(byte, 0xA0, 0xBF);
    case 0xED: return inRange(byte, 0x80, 0x9F);
    case 0xF0: return inRange(byte, 0x90, 0xBF);
    case 0xF4: return inRange(byte, 0x80, 0x8F);
    default: return inRange(byte, 0x80, 0xBF);
  }
}

bool isContinuation(char byte) { return inRange(static_cast<unsigned char>(byte), 0x80, 0xBF); }

// Where a piece of text that may hold `limit` bytes ends: before the character that would cross
// the limit. Splitting before any byte that is not a continuation byte changes nothing in the
// decoded text; a run of continuation bytes longer than a character is invalid in any case (one
// U+FFFD each), and is split where it falls.
size_t textPieceEnd(const char* data, size_t size, size_t limit) {
  if (size <= limit) return size;
  size_t end = limit;
  while (end > limit - 3 && isContinuation(data[end])) --end;
  return isContinuation(data[end]) ? limit : end;
}

}  // namespace

size_t incompleteUtf8Tail(const char* data, size_t size) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(data);
  // The lead byte is at most 3 back; what follows it must be continuation bytes.
  for (size_t back = 1; back <= 3 && back <= size; ++back) {
    const unsigned char byte = bytes[size - back];
    if (inRange(byte, 0x80, 0xBF)) continue;
    const size_t length = sequenceLength(byte);
    if (length <= back) return 0;  // complete, or no lead byte at all
    if (back >= 2 && !validSecond(byte, bytes[size - back + 1])) return 0;
    return back;
  }
  return 0;
}

void OutputValues::take(Napi::Env env, uint32_t id, BlockPtr block, bool finished,
                        std::vector<Napi::Value>* pieces) {
  auto text = text_.find(id);
  if (text == text_.end()) {
    if (block) toBuffers(env, block->data(), block->size, pieces);
    return;
  }
  toText(env, &text->second, std::move(block), finished, pieces);
  if (finished) text_.erase(text);
}

void OutputValues::toText(Napi::Env env, Carry* carry, BlockPtr block, bool finished,
                          std::vector<Napi::Value>* pieces) {
  char alone[sizeof(carry->bytes)];
  char* start = alone;
  size_t size = carry->length;
  if (block) {
    // The carried bytes go into the block's headroom, in front of the rest of their character.
    start = block->data() - carry->length;
    size += block->size;
  }
  std::memcpy(start, carry->bytes, carry->length);
  const size_t held = finished ? 0 : incompleteUtf8Tail(start, size);
  const size_t complete = size - held;
  for (size_t at = 0; at < complete;) {
    const size_t length = textPieceEnd(start + at, complete - at, kPieceBytes);
    pieces->push_back(Napi::String::New(env, start + at, length));
    at += length;
  }
  carry->length = static_cast<uint8_t>(held);
  std::memcpy(carry->bytes, start + complete, held);
}

void OutputValues::toBuffers(Napi::Env env, const char* data, size_t size, std::vector<Napi::Value>* pieces) {
  for (size_t at = 0; at < size; at += kPieceBytes) {
    pieces->push_back(Napi::Buffer<char>::Copy(env, data + at, std::min(kPieceBytes, size - at)));
  }
}

}  // namespace native_pty
