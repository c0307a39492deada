// Drained output as JavaScript values, with one copy and no fresh memory.
//
// A busy session drains a megabyte at a time. Made into one string or Buffer, that megabyte is
// memory fresh from the kernel (V8's large-object pages, or malloc's own mapping), and every
// 4 KiB page of it costs a page fault when written: the profile of 2026-12-05 had those faults
// and the copy into them as the JavaScript thread's largest cost. So a drain is handed over in
// pieces of at most kPieceBytes: strings that small live in V8's young generation and Buffers
// that small come from malloc's heap, both memory that is reused rather than mapped anew, and
// the block goes straight back to the pool with its pages. node-pty's chunks are no larger
// (64 KiB reads).
//
// Text sessions (the default, UTF-8) get strings made straight from the block (no Buffer in
// between). Pieces end at character boundaries, and a character split between two drains is
// carried to the next, so the text is exactly what decoding the whole stream at once gives.
// JavaScript thread only, one instance per Node environment.
#pragma once

#include <napi.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "../core/output_buffer.h"
#include "../posix/utf8.h"

namespace native_pty {

class OutputValues {
 public:
  // The largest piece handed to JavaScript: a string of it (two bytes a character at worst) stays
  // below V8's large-object size (128 KiB).
  static constexpr size_t kPieceBytes = 32 * 1024;

  // Delivers this session's output as UTF-8 text from now on.
  void setText(uint32_t id) { text_[id] = Carry{}; }

  // One drain of session `id` as strings or Buffers, in order, appended to `pieces`; none when
  // there is nothing to deliver yet (only part of a character). `finished`: the session's last
  // drain, after which it is forgotten; a character left incomplete is then U+FFFD.
  void take(Napi::Env env, uint32_t id, BlockPtr block, bool finished, std::vector<Napi::Value>* pieces);

  // Bytes as Buffers, for sessions without text and for read().
  static void toBuffers(Napi::Env env, const char* data, size_t size, std::vector<Napi::Value>* pieces);

 private:
  // The start of a character whose last bytes have not been read yet.
  struct Carry {
    uint8_t length = 0;
    char bytes[3] = {};
  };
  static void toText(Napi::Env env, Carry* carry, BlockPtr block, bool finished, std::vector<Napi::Value>* pieces);

  std::unordered_map<uint32_t, Carry> text_;
};

}  // namespace native_pty
