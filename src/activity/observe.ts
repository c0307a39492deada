/**
 * Activity detection as an observer of a session: an ActivityDetector fed every chunk of its
 * output (whatever its 'data' listeners do), and ended at its exit. NativePty's `activity`
 * option is sugar for this, with the detector's events re-emitted as the session's own.
 * Takes any session with observe(), so that this module never loads the addon.
 */
import type { IDisposable, OutputObserver } from '../types.js';
import { ActivityDetector } from './detector.js';
import type { ActivityOptions } from './types.js';

export interface ObservableSession {
  observe(observer: OutputObserver): IDisposable;
}

/** A detector that watches `session`, ended (ActivityDetector.end()) at its exit. */
export function detectActivity(session: ObservableSession, options?: ActivityOptions): ActivityDetector {
  const detector = new ActivityDetector(options);
  session.observe({ text: (chunk) => detector.feed(chunk), end: () => detector.end() });
  return detector;
}
