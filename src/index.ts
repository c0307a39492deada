export { NativePty, spawn } from './native-pty.js';
export type {
  DeliveryMode,
  IDisposable,
  IEvent,
  IExitEvent,
  IPty,
  KillTarget,
  NativePtyOptions,
  OutputObserver,
} from './types.js';

export { ActivityDetector, detectActivity, parseStatusLine } from './activity/index.js';
export type { ActivityEvent, ActivityOptions, AgentStatus, DetectedStatus, StatusDetector } from './activity/index.js';

export { AbortError, runCommand, runShell } from './run-command.js';
export type { RunOptions, RunResult, ShellOptions } from './run-command.js';

export { stripAnsi } from './ansi.js';

export { ForwardedSession, listSessions, startSession } from './forwarder/index.js';
export type { AttachOptions, SessionListing, StartOptions } from './forwarder/index.js';
