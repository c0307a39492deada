// Checking JavaScript arguments before they reach the system: a wrong type is a TypeError and
// a value out of range is a RangeError, never a crash.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace native_pty {

// Linux caps argv and envp together at a quarter of the stack limit (2 MiB by default), so no
// real argument or environment list comes near this.
constexpr uint32_t kMaxArrayElements = 1u << 20;

// A string without NUL bytes (they would silently cut it short in the C world).
std::string stringArg(const Napi::Value& value, const char* name);
std::vector<std::string> stringArrayArg(const Napi::Value& value, const char* name);
// An integer number in [min, max].
int64_t integerArg(const Napi::Value& value, const char* name, int64_t min, int64_t max);
bool booleanArg(const Napi::Value& value, const char* name);

// The n-th argument, or a TypeError that names the function when it is missing.
Napi::Value argumentAt(const Napi::CallbackInfo& info, size_t index, const char* name);

}  // namespace native_pty
