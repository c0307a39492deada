// Where a UTF-8 stream may be cut: shared by the addon (text delivered to JavaScript) and the
// vt-pipe forwarder (its asciicast record), which both hand text on in pieces and must never
// cut a character in two. Plain C++, header only.
#pragma once

#include <cstddef>

namespace native_pty {

// How many bytes at the end of `data` are the valid beginning of a character that is not
// complete (0 to 3): they must wait for the rest of it. Bytes that can never become a character
// are not held: they decode to U+FFFD now exactly as they would later. Valid second bytes follow
// the Unicode standard's table 3-7 (no overlong forms, no surrogates, nothing past U+10FFFF),
// as the WHATWG decoder that V8 implements does.
inline size_t incompleteUtf8Tail(const char* data, size_t size) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(data);
  auto in = [](unsigned char byte, unsigned char low, unsigned char high) { return byte >= low && byte <= high; };
  // The lead byte is at most 3 back; what follows it must be continuation bytes.
  for (size_t back = 1; back <= 3 && back <= size; ++back) {
    const unsigned char lead = bytes[size - back];
    if (in(lead, 0x80, 0xBF)) continue;
    const size_t length = in(lead, 0xC2, 0xDF) ? 2 : in(lead, 0xE0, 0xEF) ? 3 : in(lead, 0xF0, 0xF4) ? 4 : 0;
    if (length <= back) return 0;  // complete, or no lead byte at all
    if (back >= 2) {
      const unsigned char second = bytes[size - back + 1];
      const bool valid = lead == 0xE0   ? in(second, 0xA0, 0xBF)
                         : lead == 0xED ? in(second, 0x80, 0x9F)
                         : lead == 0xF0 ? in(second, 0x90, 0xBF)
                         : lead == 0xF4 ? in(second, 0x80, 0x8F)
                                        : in(second, 0x80, 0xBF);
      if (!valid) return 0;
    }
    return back;
  }
  return 0;
}

}  // namespace native_pty
