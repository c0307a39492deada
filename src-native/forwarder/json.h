// Just enough JSON for the forwarder: writing session.json, HELLO, EXIT, ERROR and asciicast
// lines, and reading the one object a client sends (ATTACH).
#pragma once

#include <cstddef>
#include <string>

namespace vt_pipe {

// `text` as a JSON string, quotes included, appended to `out`. Bytes that are not valid UTF-8
// become U+FFFD.
void appendJsonString(std::string* out, const char* text, size_t length);
inline std::string jsonString(const char* text, size_t length) {
  std::string out;
  appendJsonString(&out, text, length);
  return out;
}
inline std::string jsonString(const std::string& text) { return jsonString(text.data(), text.size()); }

// The top-level members of an ATTACH payload. Anything else in the object is allowed and
// ignored; what is not a JSON object at all makes parseAttach() fail.
struct AttachRequest {
  bool hasFrom = false;
  double from = 0;
  bool readOnly = false;
  std::string name;
};

// False (with `error` saying why) for malformed JSON or members of the wrong type.
bool parseAttach(const std::string& text, AttachRequest* out, std::string* error);

}  // namespace vt_pipe
