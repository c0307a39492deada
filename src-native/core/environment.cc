#include "environment.h"

namespace native_pty {

void Environment::requestWake(int64_t nowMs, bool urgent) {
  if (!canWake()) return;
  if (!urgent && lastWakeMs_ >= 0 && nowMs - lastWakeMs_ < kWakeGapMs) {
    wakeDeferred_ = true;
    return;
  }
  wakeDeferred_ = false;
  lastWakeMs_ = nowMs;
  wake();
}

void Environment::fireDeferredWake(int64_t nowMs) {
  if (wakeDeferred_ && nowMs >= lastWakeMs_ + kWakeGapMs) requestWake(nowMs, true);
}

}  // namespace native_pty
