#include "arguments.h"

#include <cmath>

namespace native_pty {

Napi::Value argumentAt(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (index >= info.Length()) {
    throw Napi::TypeError::New(info.Env(), std::string("missing argument: ") + name);
  }
  return info[index];
}

std::string stringArg(const Napi::Value& value, const char* name) {
  if (!value.IsString()) {
    throw Napi::TypeError::New(value.Env(), std::string(name) + " must be a string");
  }
  std::string out = value.As<Napi::String>().Utf8Value();
  if (out.find('\0') != std::string::npos) {
    throw Napi::TypeError::New(value.Env(), std::string(name) + " must not contain NUL bytes");
  }
  return out;
}

std::vector<std::string> stringArrayArg(const Napi::Value& value, const char* name) {
  if (!value.IsArray()) {
    throw Napi::TypeError::New(value.Env(), std::string(name) + " must be an array of strings");
  }
  Napi::Array array = value.As<Napi::Array>();
  // The length comes from JavaScript: a sparse array can claim 2^32-1 elements. Nothing is
  // reserved from it; its first hole is a TypeError, and a list that goes on past what no
  // execve could take is refused there.
  const uint32_t length = array.Length();
  std::vector<std::string> out;
  for (uint32_t i = 0; i < length; ++i) {
    if (i == kMaxArrayElements) {
      throw Napi::RangeError::New(value.Env(), std::string(name) + " has " +
                                                   std::to_string(length) + " elements; at most " +
                                                   std::to_string(kMaxArrayElements) +
                                                   " are allowed");
    }
    const std::string element = std::string(name) + "[" + std::to_string(i) + "]";
    out.push_back(stringArg(array.Get(i), element.c_str()));
  }
  return out;
}

int64_t integerArg(const Napi::Value& value, const char* name, int64_t min, int64_t max) {
  if (!value.IsNumber()) {
    throw Napi::TypeError::New(value.Env(), std::string(name) + " must be a number");
  }
  const double number = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(number) || std::trunc(number) != number || number < static_cast<double>(min) ||
      number > static_cast<double>(max)) {
    throw Napi::RangeError::New(value.Env(), std::string(name) + " must be an integer from " +
                                                 std::to_string(min) + " to " +
                                                 std::to_string(max));
  }
  return static_cast<int64_t>(number);
}

bool booleanArg(const Napi::Value& value, const char* name) {
  if (!value.IsBoolean()) {
    throw Napi::TypeError::New(value.Env(), std::string(name) + " must be a boolean");
  }
  return value.As<Napi::Boolean>().Value();
}

}  // namespace native_pty
