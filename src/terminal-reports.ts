/**
 * What a program tells its terminal about itself, read from a session's output: the window
 * title (OSC 0/2), the working directory (OSC 7, and VS Code's OSC 633;P;Cwd), shell
 * integration's command marks (OSC 133 and VS Code's 633: prompt, command line, output,
 * exit status), progress (ConEmu's OSC 9;4, which Windows Terminal, Ghostty and AI CLIs use)
 * and desktop notifications (OSC 9 with text, and urxvt's OSC 777;notify). The shells of agents and terminal servers emit these; this turns them into
 * events and current values. A sequence split across reads is held until it is whole.
 */
import { EventEmitter } from 'node:events';
import { sequenceEnd } from './ansi.js';
import type { IDisposable, OutputObserver } from './types.js';

/** A shell-integration mark, in the order a command goes through them. */
export type CommandMark =
  /** The prompt starts (133;A). */
  | { kind: 'prompt' }
  /** The prompt ends: what follows is typed by the user (133;B). */
  | { kind: 'input' }
  /** The command line was entered: its output follows (133;C). `command` from 633;E if told. */
  | { kind: 'output'; command?: string }
  /** The command finished (133;D), with its exit status when the shell told it. */
  | { kind: 'done'; exitCode?: number };

/** Progress as OSC 9;4 reports it: a percentage, or a state without one. */
export type Progress =
  | { state: 'none' }
  | { state: 'normal' | 'error' | 'paused'; percent: number }
  | { state: 'indeterminate' };

/** A notification the program asked the terminal to show. */
export interface TerminalNotification {
  title?: string;
  body: string;
}

const PROGRESS_STATES = ['none', 'normal', 'error', 'indeterminate', 'paused'] as const;

/** What TerminalReports needs of a session: NativePty and ForwardedSession both are. */
export interface Observable {
  observe(observer: OutputObserver): IDisposable;
}

/** An OSC longer than this is not a report (it is, say, an inline image): it is skipped. */
const MAX_OSC = 64 * 1024;

/**
 * The reports of one session, from now on. Events: 'title' (string), 'cwd' (string), 'mark'
 * (CommandMark), 'progress' (Progress), 'notification' (TerminalNotification). Current values:
 * title, cwd, lastExitCode, command (the last command line, when VS Code's 633;E gave it),
 * progress.
 */
export class TerminalReports extends EventEmitter {
  title: string | undefined;
  cwd: string | undefined;
  lastExitCode: number | undefined;
  command: string | undefined;
  progress: Progress = { state: 'none' };
  #subscription: IDisposable;
  /** An OSC begun in an earlier chunk, not yet terminated. */
  #pending = '';

  constructor(session: Observable) {
    super();
    this.#subscription = session.observe({ text: (chunk) => this.#scan(chunk), end: () => {} });
  }

  dispose(): void {
    this.#subscription.dispose();
  }

  #scan(chunk: string): void {
    const text = this.#pending + chunk;
    this.#pending = '';
    for (let at = text.indexOf('\x1b]'); at >= 0; at = text.indexOf('\x1b]', at)) {
      // Where the OSC ends, by the same rules as everywhere in the library (ansi.ts).
      const end = sequenceEnd(text, at, text.length);
      if (end < 0) {
        // Unfinished: kept for the next chunk, unless it is too long to be a report.
        if (text.length - at <= MAX_OSC) this.#pending = text.slice(at);
        return;
      }
      const body = oscBody(text, at + 2, end);
      if (body !== null) this.#report(body);
      at = end;
    }
    // A lone ESC at the very end may begin the next chunk's OSC.
    if (text.endsWith('\x1b')) this.#pending = '\x1b';
  }

  #report(body: string): void {
    const semi = body.indexOf(';');
    const code = semi < 0 ? body : body.slice(0, semi);
    const value = semi < 0 ? '' : body.slice(semi + 1);
    switch (code) {
      case '0':
      case '2':
        this.title = value;
        this.emit('title', value);
        return;
      case '7':
        return this.#setCwd(fileUrlPath(value));
      case '133':
      case '633':
        return this.#mark(value, code === '633');
      case '9':
        return value.startsWith('4;') ? this.#progress(value.slice(2)) : this.#notify({ body: value });
      case '777': {
        const [kind, title = '', ...body] = value.split(';');
        if (kind === 'notify') this.#notify({ title, body: body.join(';') });
        return;
      }
    }
  }

  /** OSC 9;4;<state>;<percent>: 0 none, 1 normal, 2 error, 3 indeterminate, 4 paused. */
  #progress(value: string): void {
    const [stateText = '', percentText = ''] = value.split(';');
    const state = PROGRESS_STATES[Number(stateText)];
    if (!/^\d$/.test(stateText) || state === undefined) return;
    let progress: Progress;
    if (state === 'none' || state === 'indeterminate') {
      progress = { state };
    } else {
      const percent = /^\d{1,3}$/.test(percentText) ? Math.min(100, Number(percentText)) : 0;
      progress = { state, percent };
    }
    this.progress = progress;
    this.emit('progress', progress);
  }

  #notify(notification: TerminalNotification): void {
    // OSC 9 with a number first is another of ConEmu's commands, not a message.
    if (notification.title === undefined && /^\d+(;|$)/.test(notification.body)) return;
    this.emit('notification', notification);
  }

  #mark(value: string, vscode: boolean): void {
    const [kind = '', ...rest] = value.split(';');
    switch (kind) {
      case 'A':
        return void this.emit('mark', { kind: 'prompt' });
      case 'B':
        return void this.emit('mark', { kind: 'input' });
      case 'C':
        return void this.emit('mark', this.command === undefined ? { kind: 'output' } : { kind: 'output', command: this.command });
      case 'D': {
        const exitCode = rest[0] !== undefined && /^-?\d+$/.test(rest[0]) ? Number(rest[0]) : undefined;
        this.lastExitCode = exitCode;
        this.command = undefined;
        return void this.emit('mark', exitCode === undefined ? { kind: 'done' } : { kind: 'done', exitCode });
      }
      case 'E':
        if (vscode) this.command = unescapeVsCode(rest[0] ?? '');
        return;
      case 'P':
        if (vscode && rest[0]?.startsWith('Cwd=')) this.#setCwd(unescapeVsCode(rest[0].slice(4)));
        return;
    }
  }

  #setCwd(cwd: string | undefined): void {
    if (cwd === undefined || cwd === '') return;
    this.cwd = cwd;
    this.emit('cwd', cwd);
  }
}

/** The text of the OSC from `from` to `end`, or null when it was cut short (CAN, SUB, another sequence). */
function oscBody(text: string, from: number, end: number): string | null {
  const last = text.charCodeAt(end - 1);
  if (last === 0x07 || last === 0x9c) return text.slice(from, end - 1);
  if (last === 0x5c && text.charCodeAt(end - 2) === 0x1b) return text.slice(from, end - 2);
  return null;
}

/** OSC 7's `file://host/path` (percent-encoded) as a path; undefined if it is not one. */
function fileUrlPath(value: string): string | undefined {
  if (!value.startsWith('file://')) return undefined;
  const slash = value.indexOf('/', 'file://'.length);
  if (slash < 0) return undefined;
  try {
    return decodeURIComponent(value.slice(slash));
  } catch {
    return undefined;
  }
}

/** VS Code's 633 escaping: `\\` for a backslash, `\xAB` for a byte such as `;`. */
function unescapeVsCode(value: string): string {
  return value.replace(/\\\\|\\x([0-9a-fA-F]{2})/g, (whole, hex: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : '\\'));
}

/** Reads the reports of `session` from now on; dispose() stops. */
export function terminalReports(session: Observable): TerminalReports {
  return new TerminalReports(session);
}
