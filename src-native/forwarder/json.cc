#include "json.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace vt_pipe {
namespace {

// Length of the valid UTF-8 sequence at p (1-4), or 0 when it is not one.
size_t utf8SequenceLength(const unsigned char* p, size_t available) {
  const unsigned char c = p[0];
  size_t n;
  uint32_t min;
  if (c < 0x80) return 1;
  if ((c & 0xe0) == 0xc0) {
    n = 2;
    min = 0x80;
  } else if ((c & 0xf0) == 0xe0) {
    n = 3;
    min = 0x800;
  } else if ((c & 0xf8) == 0xf0) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (available < n) return 0;
  uint32_t cp = c & (0x7f >> n);
  for (size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xc0) != 0x80) return 0;
    cp = cp << 6 | (p[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

class Parser {
 public:
  explicit Parser(const std::string& text) : s_(text) {}

  bool object(AttachRequest* out) {
    skipSpace();
    if (!eat('{')) return fail("expected an object");
    skipSpace();
    if (eat('}')) return end();
    for (;;) {
      std::string key;
      skipSpace();
      if (!string(&key)) return false;
      skipSpace();
      if (!eat(':')) return fail("expected ':'");
      skipSpace();
      if (!member(key, out)) return false;
      skipSpace();
      if (eat('}')) return end();
      if (!eat(',')) return fail("expected ',' or '}'");
    }
  }

  std::string error;

 private:
  bool member(const std::string& key, AttachRequest* out) {
    if (key == "from") {
      if (peek() == 'n') return literal("null");
      out->hasFrom = true;
      return number(&out->from) || fail("\"from\" must be a number");
    }
    if (key == "readOnly") {
      if (literal("true")) return out->readOnly = true;
      if (literal("false")) return true;
      return literal("null") || fail("\"readOnly\" must be a boolean");
    }
    if (key == "name") {
      if (peek() == 'n') return literal("null");
      return string(&out->name) || fail("\"name\" must be a string");
    }
    return skipValue(0);
  }

  bool skipValue(int depth) {
    if (depth > 64) return fail("nested too deeply");
    skipSpace();
    const char c = peek();
    std::string ignored;
    double number_;
    if (c == '"') return string(&ignored);
    if (c == 't') return literal("true") || fail("bad literal");
    if (c == 'f') return literal("false") || fail("bad literal");
    if (c == 'n') return literal("null") || fail("bad literal");
    if (c == '[' || c == '{') {
      const char close = c == '[' ? ']' : '}';
      ++i_;
      skipSpace();
      if (eat(close)) return true;
      for (;;) {
        skipSpace();
        if (close == '}') {
          if (!string(&ignored)) return false;
          skipSpace();
          if (!eat(':')) return fail("expected ':'");
        }
        if (!skipValue(depth + 1)) return false;
        skipSpace();
        if (eat(close)) return true;
        if (!eat(',')) return fail("expected ','");
      }
    }
    return number(&number_) || fail("unexpected character");
  }

  bool string(std::string* out) {
    if (!eat('"')) return fail("expected a string");
    while (i_ < s_.size()) {
      const char c = s_[i_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in a string");
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (i_ >= s_.size()) break;
      const char e = s_[i_++];
      switch (e) {
        case '"': case '\\': case '/': out->push_back(e); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          if (i_ + 4 > s_.size()) return fail("bad \\u escape");
          char hex[5] = {s_[i_], s_[i_ + 1], s_[i_ + 2], s_[i_ + 3], 0};
          char* end;
          const long cp = std::strtol(hex, &end, 16);
          if (end != hex + 4) return fail("bad \\u escape");
          i_ += 4;
          // Names are for display: a surrogate half becomes U+FFFD rather than an error.
          appendUtf8(out, (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : static_cast<uint32_t>(cp));
          break;
        }
        default: return fail("bad escape");
      }
    }
    return fail("unterminated string");
  }

  bool number(double* out) {
    const char* start = s_.c_str() + i_;
    if (*start != '-' && (*start < '0' || *start > '9')) return false;
    char* end;
    *out = std::strtod(start, &end);
    if (end == start) return false;
    i_ += static_cast<size_t>(end - start);
    return true;
  }

  bool literal(const char* word) {
    size_t n = 0;
    while (word[n] != 0) ++n;
    if (s_.compare(i_, n, word) != 0) return false;
    i_ += n;
    return true;
  }

  static void appendUtf8(std::string* out, uint32_t cp) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xc0 | cp >> 6));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out->push_back(static_cast<char>(0xe0 | cp >> 12));
      out->push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }

  bool end() {
    skipSpace();
    return i_ == s_.size() || fail("trailing characters");
  }
  bool fail(const char* why) {
    if (error.empty()) error = why;
    return false;
  }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  void skipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }

  const std::string& s_;
  size_t i_ = 0;
};

}  // namespace

void appendJsonString(std::string* out, const char* text, size_t length) {
  out->reserve(out->size() + length + 2);
  out->push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(text);
  size_t i = 0;
  while (i < length) {
    // Runs of printable ASCII, which is most terminal output, are copied in one go.
    size_t run = i;
    while (run < length && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' && p[run] != '\\') ++run;
    out->append(text + i, run - i);
    i = run;
    if (i >= length) break;
    const unsigned char c = p[i];
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
      ++i;
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out->push_back('\\');
      out->push_back(c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      *out += escaped;
      ++i;
    } else {
      const size_t n = utf8SequenceLength(p + i, length - i);
      if (n == 0) {
        *out += "\xef\xbf\xbd";
        ++i;
      } else {
        out->append(text + i, n);
        i += n;
      }
    }
  }
  out->push_back('"');
}

bool parseAttach(const std::string& text, AttachRequest* out, std::string* error) {
  Parser parser(text);
  if (parser.object(out)) return true;
  *error = parser.error;
  return false;
}

}  // namespace vt_pipe
