// Checking JavaScript arguments before they reach the system, in the dialect of src/validate.ts
// (Node's own): a wrong type is a TypeError with code ERR_INVALID_ARG_TYPE, a value that is
// not allowed an ERR_INVALID_ARG_VALUE, a number out of range a RangeError with code
// ERR_OUT_OF_RANGE; never a crash.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace native_pty {

// The limits on what JavaScript may pass. Exported as `limits` (limitsObject()), so that the
// TypeScript checks use the same numbers instead of repeating them.
//
// Linux caps argv and envp together at a quarter of the stack limit (2 MiB by default), so no
// real argument or environment list comes near this.
constexpr uint32_t kMaxArgs = 1u << 20;
// struct winsize holds unsigned shorts.
constexpr int64_t kMaxDimension = 65535;
// uid_t and gid_t are 32-bit, and (uid_t)-1 means "unchanged" to the kernel, so it is no id.
constexpr int64_t kMaxId = 0xfffffffeLL;
// As setTimeout's: a pollInterval that JavaScript timers could not honour is refused too.
constexpr int64_t kMaxGapMs = 0x7fffffffLL;
// A session's read buffer (highWaterMark): below a page it would cost a wake per few lines;
// above 64 MiB a slow consumer would hold more memory than any terminal needs in flight.
constexpr int64_t kMinHighWaterMark = 4096;
constexpr int64_t kMaxHighWaterMark = 64LL * 1024 * 1024;

// { maxArgs, maxDimension, maxId, maxGapMs, minHighWaterMark, maxHighWaterMark }
Napi::Object limitsObject(Napi::Env env);

// `expected` completes "must be …" ("of type string"); `reason` completes "The argument 'x' …".
Napi::Error invalidArgType(const Napi::Value& value, const std::string& name, const char* expected);
Napi::Error invalidArgValue(const Napi::Value& value, const std::string& name, const char* reason);

// A string without NUL bytes (they would silently cut it short in the C world).
std::string stringArg(const Napi::Value& value, const std::string& name);
std::vector<std::string> stringArrayArg(const Napi::Value& value, const std::string& name);
// An integer number in [min, max].
int64_t integerArg(const Napi::Value& value, const std::string& name, int64_t min, int64_t max);
bool booleanArg(const Napi::Value& value, const std::string& name);

// The n-th argument, or a TypeError that names it when it is missing.
Napi::Value argumentAt(const Napi::CallbackInfo& info, size_t index, const char* name);

}  // namespace native_pty
