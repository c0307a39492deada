#include "session_dir.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "../posix/system_error.h"
#include "../posix/unique_fd.h"
#include "json.h"

namespace vt_pipe {

using native_pty::SystemError;
using native_pty::UniqueFd;

std::string defaultControlDir() {
  if (const char* dir = ::getenv("NATIVE_PTY_CONTROL_DIR"); dir != nullptr && *dir != '\0') return dir;
  if (const char* run = ::getenv("XDG_RUNTIME_DIR"); run != nullptr && *run != '\0') {
    return std::string(run) + "/native-pty";
  }
  return "/tmp/native-pty-" + std::to_string(::getuid());
}

void prepareControlDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) throw SystemError{errno, "mkdir", dir, "control dir"};
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0) throw SystemError{errno, "lstat", dir, "control dir"};
  if (!S_ISDIR(st.st_mode)) throw Failure{"control dir " + dir + " is not a directory"};
  if (st.st_uid != ::getuid()) throw Failure{"control dir " + dir + " belongs to another user"};
  if ((st.st_mode & 022) != 0) throw Failure{"control dir " + dir + " is writable by group or others"};
}

std::string randomSessionId() {
  unsigned char bytes[16];
  // getentropy: the kernel's random source on Linux (glibc 2.25+, musl) and macOS alike.
  if (::getentropy(bytes, sizeof bytes) != 0) throw SystemError{errno, "getentropy", "", "session id"};
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string id;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    acc = acc << 8 | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      id.push_back(kAlphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) id.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
  return id;
}

bool validSessionId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string createSessionDir(const std::string& controlDir, const std::string& id) {
  const std::string dir = controlDir + "/" + id;
  if (::mkdir(dir.c_str(), 0700) != 0) {
    if (errno == EEXIST) throw Failure{"session " + id + " already exists in " + controlDir};
    throw SystemError{errno, "mkdir", dir, "session dir"};
  }
  return dir;
}

std::string isoNow() {
  timeval tv;
  ::gettimeofday(&tv, nullptr);
  tm utc;
  ::gmtime_r(&tv.tv_sec, &utc);
  char text[40];
  const size_t n = ::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(tv.tv_usec / 1000));
  return text;
}

void writeSessionJson(const std::string& dir, const SessionInfo& info) {
  std::string json = "{\"version\":1,\"id\":" + jsonString(info.id) + ",\"name\":" + jsonString(info.name) +
                     ",\"command\":[";
  for (size_t i = 0; i < info.command.size(); ++i) json += (i > 0 ? "," : "") + jsonString(info.command[i]);
  json += "],\"cwd\":" + jsonString(info.cwd) + ",\"pid\":" + std::to_string(info.pid) +
          ",\"forwarderPid\":" + std::to_string(info.forwarderPid) + ",\"status\":\"" + info.status + "\"" +
          ",\"exitCode\":" + (info.exited && info.exitCode >= 0 ? std::to_string(info.exitCode) : "null") +
          ",\"signal\":" + (info.exited && info.signal > 0 ? std::to_string(info.signal) : "null") +
          ",\"startedAt\":" + jsonString(info.startedAt) +
          ",\"endedAt\":" + (info.endedAt.empty() ? "null" : jsonString(info.endedAt)) +
          ",\"cols\":" + std::to_string(info.cols) + ",\"rows\":" + std::to_string(info.rows) +
          ",\"headless\":" + (info.headless ? "true" : "false") + "}\n";
  const std::string path = dir + "/session.json";
  const std::string temp = path + ".tmp";
  UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) throw SystemError{errno, "open", temp, "session.json"};
  const char* p = json.data();
  size_t left = json.size();
  while (left > 0) {
    const ssize_t n = ::write(fd.get(), p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw SystemError{errno, "write", temp, "session.json"};
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  fd.reset();
  if (::rename(temp.c_str(), path.c_str()) != 0) throw SystemError{errno, "rename", path, "session.json"};
}

}  // namespace vt_pipe
