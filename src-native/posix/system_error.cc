#include "system_error.h"

#include <cstring>

namespace native_pty {

std::string describe(const SystemError& error) {
  std::string message = error.context.empty() ? "" : error.context + ": ";
  message += error.syscall;
  if (!error.path.empty()) message += " '" + error.path + "'";
  return message + " failed: " + std::strerror(error.err);
}

}  // namespace native_pty
