import { NativePty, spawn } from './native-pty.js';
import { ActivityDetector, detectActivity, parseStatusLine } from './activity/index.js';
import { AbortError, runCommand, runShell } from './run-command.js';
import { stripAnsi } from './ansi.js';
import { WaitForError, waitFor } from './wait-for.js';
import { TerminalReports, terminalReports } from './terminal-reports.js';
import { openShell, ShellSession } from './shell-session.js';
import { processCwd, processTree } from './process-info.js';
import { ForwardedSession, listSessions, startSession } from './forwarder/index.js';

export { NativePty, spawn };
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

export { ActivityDetector, detectActivity, parseStatusLine };
export type { ActivityEvent, ActivityOptions, AgentStatus, DetectedStatus, StatusDetector } from './activity/index.js';

export { AbortError, runCommand, runShell };
export type { RunOptions, RunResult, ShellOptions } from './run-command.js';

export { stripAnsi };

export { waitFor, WaitForError };
export { terminalReports, TerminalReports };
export type { CommandMark, Progress, TerminalNotification } from './terminal-reports.js';
export { openShell, ShellSession };
export type { ShellRunOptions, ShellRunResult, ShellSessionOptions } from './shell-session.js';
export { processCwd, processTree };
export type { ProcessInfo } from './process-info.js';
export type { WaitForMatch, WaitForOptions, WaitForPattern } from './wait-for.js';

export { ForwardedSession, listSessions, startSession };
export type { AttachOptions, SessionListing, StartOptions } from './forwarder/index.js';

// `import pty from 'native-pty'` as with node-pty (wetty, for one, imports it so): the default
// export holds the module's functions and classes, pty.spawn() and all.
export default {
  spawn,
  NativePty,
  ActivityDetector,
  detectActivity,
  parseStatusLine,
  AbortError,
  runCommand,
  runShell,
  stripAnsi,
  waitFor,
  WaitForError,
  terminalReports,
  TerminalReports,
  openShell,
  processCwd,
  processTree,
  ForwardedSession,
  listSessions,
  startSession,
};
