/**
 * openShell(): one persistent shell for an agent, with exact command boundaries. The shell's
 * own integration is injected by the library (an rc file of its own that sources the user's,
 * nothing written to their dotfiles): every prompt writes a mark with this session's random
 * nonce, the exit status and the cwd; every command line, once read, writes another. Output
 * between the two marks is that command's, exactly: no prompt, no echo (the terminal's echo is
 * off and line editing is not used), and a command that prints a fake mark without the nonce
 * cannot end its own output. State (cwd, variables, functions, a venv) carries over.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AbortError } from './abort-error.js';
import { spawn, type NativePty } from './native-pty.js';
import { integrate, OSC, shellKind } from './shell-integration.js';
import { invalidArgValue, MAX_TIMER_DELAY_MS, validateAbortSignal, validateInteger, validateObject, validateString } from './validate.js';

export interface ShellSessionOptions {
  /** bash (default), zsh, or a POSIX sh (sh, dash): by the file's name; a path is fine. */
  shell?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
  cols?: number;
  rows?: number;
}

export interface ShellRunOptions {
  /** Interrupt the command after this many ms (Ctrl+C, then SIGKILL to its group). */
  timeout?: number;
  signal?: AbortSignal;
  /** Keep at most this much output (the start of it); `truncated` says so. Default 16 MiB. */
  maxOutputBytes?: number;
}

export interface ShellRunResult {
  /** Exactly the command's output, as the terminal showed it (\r\n line ends). */
  output: string;
  /** Its exit status ($?); 130 after an interrupt by Ctrl+C. */
  exitCode: number;
  /** The shell's working directory after it. */
  cwd: string;
  durationMs: number;
  timedOut: boolean;
  aborted: boolean;
  truncated: boolean;
}

const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;
/** After Ctrl+C, how long the command gets to end before its process group is killed. */
const INTERRUPT_GRACE_MS = 2000;

interface Pending {
  resolve: (result: { exitCode: number; cwd: string }) => void;
}

export class ShellSession {
  readonly pty: NativePty;
  /** The cwd the last prompt reported. */
  cwd = '';
  #nonce: string;
  #dir: string;
  #buffer = '';
  /** Output of the running command (after its start mark), or null between commands. */
  #output: string[] | null = null;
  #outputBytes = 0;
  #maxOutput = DEFAULT_MAX_OUTPUT;
  #truncated = false;
  #waiting: Pending | null = null;
  /** Between the command's start mark and its end mark. */
  #started = false;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  /** Whether the shell marks the start of a command's output (bash's PS0, zsh's preexec; sh has none). */
  #marksStart: boolean;

  /** Use openShell(). */
  constructor(pty: NativePty, nonce: string, dir: string, marksStart: boolean) {
    this.pty = pty;
    this.#nonce = nonce;
    this.#dir = dir;
    this.#marksStart = marksStart;
    pty.on('data', (chunk: string) => this.#scan(chunk));
    pty.once('exit', () => {
      this.#closed = true;
      rmSync(this.#dir, { recursive: true, force: true });
      this.#waiting?.resolve({ exitCode: -1, cwd: this.cwd });
    });
  }

  /** Resolves at the first prompt; bash has read its rc file by then, which goes. */
  ready(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting = {
        resolve: () => {
          rmSync(this.#dir, { recursive: true, force: true });
          resolve();
        },
      };
    });
  }

  /**
   * Runs `command` (one line or several) and resolves with its output, exit status, the cwd
   * after it and how long it took. One at a time: calls queue in order.
   */
  run(command: string, options: ShellRunOptions = {}): Promise<ShellRunResult> {
    validateString(command, 'command');
    validateObject(options, 'options');
    const timeout = options.timeout === undefined ? undefined : validateInteger(options.timeout, 'options.timeout', 0, MAX_TIMER_DELAY_MS);
    const signal = options.signal === undefined ? undefined : validateAbortSignal(options.signal, 'options.signal');
    const maxOutput = options.maxOutputBytes === undefined ? DEFAULT_MAX_OUTPUT : validateInteger(options.maxOutputBytes, 'options.maxOutputBytes', 0, 2 ** 31);
    const run = this.#queue.then(() => this.#run(command, timeout, signal, maxOutput));
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Input for the running command (one that reads, such as `read` or a REPL). */
  write(data: string): void {
    this.pty.write(data);
  }

  /** Ends the shell (and whatever it runs). */
  close(): void {
    if (!this.#closed) this.pty.kill('SIGHUP', 'group');
  }

  async #run(command: string, timeout: number | undefined, signal: AbortSignal | undefined, maxOutput: number): Promise<ShellRunResult> {
    if (this.#closed) throw new Error('the shell has exited');
    if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
    const started = performance.now();
    this.#output = [];
    this.#outputBytes = 0;
    this.#truncated = false;
    this.#maxOutput = maxOutput;
    let timedOut = false;
    let aborted = false;
    const done = new Promise<{ exitCode: number; cwd: string }>((resolve) => (this.#waiting = { resolve }));
    const interrupt = (): void => {
      this.pty.kill('SIGINT', 'foreground');
      // A command that ignores Ctrl+C: its process group goes; the shell stays.
      kill = setTimeout(() => this.pty.kill('SIGKILL', 'foreground'), INTERRUPT_GRACE_MS);
    };
    let kill: NodeJS.Timeout | undefined;
    const timer = timeout === undefined ? undefined : setTimeout(() => ((timedOut = true), interrupt()), timeout);
    const onAbort = (): void => {
      aborted = true;
      interrupt();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    // Without a start mark, output starts with the command line: echo is off and the prompt is
    // only the mark, so nothing but the command's output comes before the end mark.
    if (!this.#marksStart) this.#started = true;
    this.pty.write(command.endsWith('\n') ? command : `${command}\n`);
    const { exitCode, cwd } = await done;
    clearTimeout(timer);
    clearTimeout(kill);
    signal?.removeEventListener('abort', onAbort);
    const output = (this.#output ?? []).join('');
    this.#output = null;
    return { output, exitCode, cwd, durationMs: performance.now() - started, timedOut, aborted, truncated: this.#truncated };
  }

  /** Finds this session's marks in the output; what lies between start and end is the command's. */
  #scan(chunk: string): void {
    let text = this.#buffer + chunk;
    this.#buffer = '';
    const prefix = `\x1b]${OSC};${this.#nonce};`;
    for (;;) {
      const at = text.indexOf(prefix);
      if (at < 0) {
        // Keep a tail that could be the start of a mark split across reads.
        const esc = text.lastIndexOf('\x1b');
        const cut = esc >= 0 && prefix.startsWith(text.slice(esc)) ? esc : text.length;
        this.#collect(text.slice(0, cut));
        this.#buffer = text.slice(cut);
        return;
      }
      const end = text.indexOf('\x07', at);
      if (end < 0) {
        this.#collect(text.slice(0, at));
        this.#buffer = text.slice(at);
        return;
      }
      this.#collect(text.slice(0, at));
      this.#mark(text.slice(at + prefix.length, end));
      text = text.slice(end + 1);
    }
  }

  #collect(text: string): void {
    if (this.#output === null || text === '' || !this.#started) return;
    const room = this.#maxOutput - this.#outputBytes;
    if (room <= 0) {
      this.#truncated = true;
      return;
    }
    const piece = Buffer.byteLength(text) > room ? Buffer.from(text).subarray(0, room).toString() : text;
    if (piece.length < text.length) this.#truncated = true;
    this.#output.push(piece);
    this.#outputBytes += Buffer.byteLength(piece);
  }

  #mark(body: string): void {
    if (body === 'C') {
      this.#started = true;
      return;
    }
    if (!body.startsWith('D;')) return;
    const [, status = '0', ...cwdParts] = body.split(';');
    this.cwd = cwdParts.join(';');
    this.#started = false;
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.resolve({ exitCode: Number(status), cwd: this.cwd });
  }
}

/** Opens a persistent shell with the library's integration; resolves at its first prompt. */
export async function openShell(options: ShellSessionOptions = {}): Promise<ShellSession> {
  validateObject(options, 'options');
  const shell = options.shell === undefined ? 'bash' : validateString(options.shell, 'options.shell');
  const kind = shellKind(shell);
  if (kind === undefined) throw invalidArgValue('options.shell', shell, 'must be bash, zsh or sh (dash)', RangeError);
  const nonce = randomBytes(12).toString('hex');
  const dir = mkdtempSync(path.join(tmpdir(), 'native-pty-shell-'));
  const { args, env, marksStart } = integrate(kind, nonce, dir, options.env ?? process.env);
  const pty = spawn(shell, args, {
    cwd: options.cwd,
    env,
    cols: options.cols ?? 200,
    rows: options.rows ?? 50,
    delivery: 'wake',
    activity: false,
  });
  const session = new ShellSession(pty, nonce, dir, marksStart);
  await session.ready();
  return session;
}
