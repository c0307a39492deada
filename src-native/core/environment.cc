#include "environment.h"

namespace native_pty {

void Environment::requestWake(int64_t nowMs, int64_t gapMs) {
  if (!canWake()) return;
  if (gapMs > 0 && lastWakeMs_ >= 0 && nowMs - lastWakeMs_ < gapMs) {
    const int64_t at = lastWakeMs_ + gapMs;
    if (deferredAt_ < 0 || at < deferredAt_) deferredAt_ = at;
    return;
  }
  deferredAt_ = -1;
  lastWakeMs_ = nowMs;
  wake();
}

void Environment::fireDeferredWake(int64_t nowMs) {
  if (deferredAt_ >= 0 && nowMs >= deferredAt_) requestWake(nowMs, 0);
}

}  // namespace native_pty
