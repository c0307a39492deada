#include "output_values.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace native_pty {
namespace {

bool isContinuation(char byte) {
  const auto b = static_cast<unsigned char>(byte);
  return b >= 0x80 && b <= 0xBF;
}

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

// Whether every byte is ASCII. Such text reads the same as Latin-1, which V8 copies without
// running its UTF-8 decoder over it (12% of the JavaScript thread's samples on ASCII output,
// measured 2026-12-05). Words at a time, and out at the first block that is not.
bool isAscii(const char* data, size_t size) {
  constexpr uint64_t kHighBits = 0x8080808080808080ULL;
  size_t at = 0;
  for (; at + 32 <= size; at += 32) {
    uint64_t words[4];
    std::memcpy(words, data + at, sizeof(words));
    if (((words[0] | words[1] | words[2] | words[3]) & kHighBits) != 0) return false;
  }
  for (; at < size; ++at) {
    if (static_cast<unsigned char>(data[at]) >= 0x80) return false;
  }
  return true;
}

Napi::Value textValue(Napi::Env env, const char* data, size_t size) {
  napi_value value;
  if (isAscii(data, size) && napi_create_string_latin1(env, data, size, &value) == napi_ok) {
    return Napi::Value(env, value);
  }
  return Napi::String::New(env, data, size);  // throws what failed, if it fails too
}

}  // namespace

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
    pieces->push_back(textValue(env, start + at, length));
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
