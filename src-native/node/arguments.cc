#include "arguments.h"

#include <cmath>

namespace native_pty {
namespace {

// Node's wording: "request.cols" is a property, "id" and "args[2]" are arguments.
const char* kind(const std::string& name) {
  return name.find('.') == std::string::npos ? "argument" : "property";
}

// What was received, as src/validate.ts says it. Only primitives are converted to text, which
// has no side effects.
std::string received(const Napi::Value& value) {
  switch (value.Type()) {
    case napi_undefined:
      return "Received undefined";
    case napi_null:
      return "Received null";
    case napi_function:
      return "Received a function";
    case napi_object:
      return value.IsArray() ? "Received an instance of Array" : "Received an object";
    case napi_string:
      return "Received type string";
    case napi_number:
    case napi_boolean:
      return std::string("Received type ") + (value.IsNumber() ? "number" : "boolean") + " (" +
             value.ToString().Utf8Value() + ")";
    default:
      return "Received a value of another type";
  }
}

Napi::Error withCode(Napi::Error error, const char* code) {
  error.Set("code", Napi::String::New(error.Env(), code));
  return error;
}

Napi::Error outOfRange(const Napi::Value& value, const std::string& name, const std::string& range) {
  const std::string message = "The value of \"" + name + "\" is out of range. It must be " + range +
                              ". Received " + value.ToString().Utf8Value();
  return withCode(Napi::RangeError::New(value.Env(), message), "ERR_OUT_OF_RANGE");
}

}  // namespace

Napi::Object limitsObject(Napi::Env env) {
  Napi::Object limits = Napi::Object::New(env);
  limits.Set("maxArgs", Napi::Number::New(env, kMaxArgs));
  limits.Set("maxDimension", Napi::Number::New(env, static_cast<double>(kMaxDimension)));
  limits.Set("maxId", Napi::Number::New(env, static_cast<double>(kMaxId)));
  limits.Set("maxGapMs", Napi::Number::New(env, static_cast<double>(kMaxGapMs)));
  limits.Set("minHighWaterMark", Napi::Number::New(env, static_cast<double>(kMinHighWaterMark)));
  limits.Set("maxHighWaterMark", Napi::Number::New(env, static_cast<double>(kMaxHighWaterMark)));
  limits.Freeze();
  return limits;
}

Napi::Error invalidArgType(const Napi::Value& value, const std::string& name, const char* expected) {
  const std::string message = "The \"" + name + "\" " + kind(name) + " must be " + expected + ". " +
                              received(value);
  return withCode(Napi::TypeError::New(value.Env(), message), "ERR_INVALID_ARG_TYPE");
}

Napi::Error invalidArgValue(const Napi::Value& value, const std::string& name, const char* reason) {
  const std::string message = std::string("The ") + kind(name) + " '" + name + "' " + reason + ". " +
                              received(value);
  return withCode(Napi::TypeError::New(value.Env(), message), "ERR_INVALID_ARG_VALUE");
}

Napi::Value argumentAt(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (index >= info.Length()) throw invalidArgType(info.Env().Undefined(), name, "given");
  return info[index];
}

std::string stringArg(const Napi::Value& value, const std::string& name) {
  if (!value.IsString()) throw invalidArgType(value, name, "of type string");
  std::string out = value.As<Napi::String>().Utf8Value();
  if (out.find('\0') != std::string::npos) throw invalidArgValue(value, name, "must not contain NUL bytes");
  return out;
}

std::vector<std::string> stringArrayArg(const Napi::Value& value, const std::string& name) {
  if (!value.IsArray()) throw invalidArgType(value, name, "an instance of Array");
  Napi::Array array = value.As<Napi::Array>();
  // The length comes from JavaScript: a sparse array can claim 2^32-1 elements. Nothing is
  // reserved from it; its first hole is a TypeError, and a list that goes on past what no
  // execve could take is refused there.
  const uint32_t length = array.Length();
  std::vector<std::string> out;
  for (uint32_t i = 0; i < length; ++i) {
    if (i == kMaxArgs) {
      throw outOfRange(Napi::Number::New(value.Env(), length), name + ".length",
                       "<= " + std::to_string(kMaxArgs));
    }
    out.push_back(stringArg(array.Get(i), name + "[" + std::to_string(i) + "]"));
  }
  return out;
}

int64_t integerArg(const Napi::Value& value, const std::string& name, int64_t min, int64_t max) {
  if (!value.IsNumber()) throw invalidArgType(value, name, "of type number");
  const double number = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(number) || std::trunc(number) != number) throw outOfRange(value, name, "an integer");
  if (number < static_cast<double>(min) || number > static_cast<double>(max)) {
    throw outOfRange(value, name, ">= " + std::to_string(min) + " && <= " + std::to_string(max));
  }
  return static_cast<int64_t>(number);
}

bool booleanArg(const Napi::Value& value, const std::string& name) {
  if (!value.IsBoolean()) throw invalidArgType(value, name, "of type boolean");
  return value.As<Napi::Boolean>().Value();
}

}  // namespace native_pty
