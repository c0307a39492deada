/**
 * Every session the web server shows: shells it spawned itself, and the vt-pipe sessions of a
 * control directory, found by a scan every few seconds and attached to (they outlive the
 * server; a restarted server finds them again).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'native-pty';
import { ForwardedSession, listSessions, startSession, type SessionListing, type StartedSession } from 'native-pty/forwarder';
import type { SessionSummary } from './protocol.js';
import { RETAINED_BYTES, WebSession } from './web-session.js';

export interface HubOptions {
  /** The program a new session runs, and its arguments. */
  shell: string;
  shellArgs: string[];
  cwd: string;
  /** Where vt-pipe sessions are looked for; null: none. */
  controlDir: string | null;
  /**
   * Start new sessions under a headless vt-pipe in controlDir rather than in this process, so
   * that they outlive the server (a restarted server finds them again).
   */
  persistent?: boolean;
}

/** The bytes a shell's pty holds for the server before its program is blocked. */
const SHELL_HIGH_WATER_MARK = 128 * 1024;
/** How often the control directory is scanned for new vt-pipe sessions. */
const SCAN_INTERVAL_MS = 2000;
/** An ended session stays listed (its last screen viewable) this long. */
const EXITED_KEEP_MS = 10 * 60 * 1000;

export class SessionHub {
  #options: HubOptions;
  #sessions = new Map<string, WebSession>();
  /** vt-pipe session directories attached to, or being attached to. */
  #attached = new Set<string>();
  #scanTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(options: HubOptions) {
    this.#options = options;
  }

  /** Starts scanning the control directory (resolves after the first scan). */
  async start(): Promise<void> {
    if (this.#options.controlDir === null) return;
    await this.scan();
    const tick = (): void => {
      this.#scanTimer = setTimeout(() => void this.scan().finally(() => !this.#closed && tick()), SCAN_INTERVAL_MS);
      this.#scanTimer.unref();
    };
    tick();
  }

  get(id: string): WebSession | undefined {
    return this.#sessions.get(id);
  }

  list(): SessionSummary[] {
    return [...this.#sessions.values()].map((s) => s.summary()).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  /** Starts a new shell at the given size (under vt-pipe when the hub is persistent). */
  async create(cols = 80, rows = 24): Promise<WebSession> {
    const { shell, shellArgs, cwd, controlDir, persistent } = this.#options;
    const env = { ...process.env, TERM: 'xterm-256color', COLORTERM: 'truecolor' };
    if (persistent && controlDir !== null) {
      const started = await startSession(shell, shellArgs, { controlDir, cols, rows, cwd, env, name: shellTitle(shell) });
      this.#attached.add(started.dir);
      return this.#attach(started);
    }
    const pty = spawn(shell, shellArgs, {
      name: 'xterm-256color',
      cols,
      rows,
      cwd,
      env,
      encoding: null,
      activity: {},
      // Interactive: output as it comes, and little held in flight (a Ctrl+C shows soon).
      delivery: 'wake',
      highWaterMark: SHELL_HIGH_WATER_MARK,
    });
    const id = randomBytes(12).toString('base64url');
    const session = new WebSession(
      pty,
      {
        id,
        kind: 'shell',
        command: [shell, ...shellArgs],
        title: shellTitle(shell),
        startOffset: 0,
        redraw: () => pty.kill('SIGWINCH', 'foreground'),
      },
      (ended) => this.#forgetLater(ended),
    );
    this.#sessions.set(id, session);
    return session;
  }

  /** Ends a running session; removes an ended one from the list. */
  end(id: string): boolean {
    const session = this.#sessions.get(id);
    if (!session) return false;
    if (session.exitStatus === null) session.end();
    else this.#remove(session);
    return true;
  }

  /** Attaches to the control directory's running vt-pipe sessions not attached yet. */
  async scan(): Promise<void> {
    const controlDir = this.#options.controlDir;
    if (controlDir === null || this.#closed) return;
    let listing;
    try {
      listing = await listSessions(controlDir);
    } catch {
      return; // No control directory (yet): no vt-pipe sessions.
    }
    await Promise.all(
      listing
        .filter((record) => record.alive && record.status === 'running' && !this.#attached.has(record.dir))
        .map(async (record) => {
          this.#attached.add(record.dir);
          // Gone meanwhile, or not ready: the next scan decides.
          await this.#attach(record).catch(() => this.#attached.delete(record.dir));
        }),
    );
  }

  async #attach(record: SessionListing | StartedSession): Promise<WebSession> {
    // Enough recent output to rebuild the screen; not the whole history.
    const source = await ForwardedSession.attach(record.dir, { tail: RETAINED_BYTES, encoding: null, activity: {}, name: 'native-pty-web' });
    if (this.#closed) {
      source.detach();
      throw new Error('the server is closing');
    }
    const id = `vt-${record.id}`;
    const session = new WebSession(
      source,
      {
        id,
        kind: 'vt-pipe',
        command: record.command,
        title: record.name || record.command.join(' '),
        startOffset: source.offset,
        // vt-pipe signals the program itself when the size does not change.
        redraw: () => source.resize(source.cols, source.rows),
        release: () => source.detach(),
      },
      (ended) => this.#forgetLater(ended),
    );
    this.#sessions.set(id, session);
    return session;
  }

  /** Ends the shells this server spawned in itself and lets vt-pipe sessions run on. */
  close(): void {
    this.#closed = true;
    if (this.#scanTimer) clearTimeout(this.#scanTimer);
    for (const session of this.#sessions.values()) {
      if (session.kind === 'shell') session.end();
      session.dispose();
    }
    this.#sessions.clear();
  }

  #forgetLater(session: WebSession): void {
    setTimeout(() => this.#remove(session), EXITED_KEEP_MS).unref();
  }

  #remove(session: WebSession): void {
    if (this.#sessions.get(session.id) !== session) return;
    this.#sessions.delete(session.id);
    session.dispose();
  }
}

function shellTitle(shell: string): string {
  return `${path.basename(shell)} on ${os.hostname()}`;
}
