/**
 * Fault: teardown with sessions still live. However Node ends (process.exit, the event loop
 * running dry, an uncaught exception, SIGTERM, or SIGKILL where none of its cleanup runs), it
 * must not abort on the way out (node-pty's
 * users see SIGABRT from a thread-safe function here), and no process may be left running on
 * any of its terminals. The same for a worker thread terminated while its sessions stream.
 */
import { describe, expect, it } from 'vitest';
import { CRASH_PATTERN, fixture, lastJson, liveInSessions, runNode, until } from '../helpers/index.js';
import { scaled } from '../helpers/slowdown.js';

interface Started {
  pids: number[];
  streaming: number;
  streamed: number;
}

const endings: Array<[mode: string, code: number | null, signal: NodeJS.Signals | null]> = [
  ['exit', 0, null],
  ['drain', 0, null],
  ['throw', 1, null],
  ['signal', null, 'SIGTERM'],
  ['sigkill', null, 'SIGKILL'],
];

// The vitest bound sits above each fixture's own kill bound: under the sanitizer build, on two
// busy cores, one teardown of 100 streaming sessions took 14–92 s (the longest when the
// suite's heaviest files ran beside it, and the streams' first bytes came late).
describe('Node exiting with 100 live sessions', { timeout: scaled(180_000) }, () => {
  for (const [mode, code, signal] of endings) {
    it(`${mode}: ends as asked (no abort), and nothing is left running on any of its terminals`, async () => {
      const r = await runNode(fixture('reliability/teardown.ts'), { args: [mode], timeoutMs: 150_000 });
      expect(r.stderr).not.toMatch(CRASH_PATTERN);
      expect(r.timedOut).toBe(false);
      expect({ code: r.code, signal: r.signal }).toEqual({ code, signal });
      const started = JSON.parse(r.stdout.trim().split('\n')[0]!) as Started;
      expect(started.pids).toHaveLength(100);
      expect(started.streamed).toBe(started.streaming); // output was in flight on every stream
      // Every child was a session leader on its own terminal; none of those sessions may keep
      // a live process once the terminals are gone.
      await until(() => liveInSessions(started.pids).length === 0, 10_000, 'no live process on their terminals', 50);
    });
  }
});

describe('a worker terminated while its sessions stream', { timeout: scaled(150_000) }, () => {
  it('five rounds: no abort, its sessions hung up and reaped, the main thread unaffected', async () => {
    const r = await runNode(fixture('reliability/teardown-workers.ts'), { args: ['5'], timeoutMs: 120_000 });
    expect(r.stderr).not.toMatch(CRASH_PATTERN);
    const report = lastJson<{
      rounds: Array<{ streamed: boolean; terminateCode: number; errors: string[]; gone: boolean; left: unknown[] }>;
      workerSessions: number;
      liveInWorkerSessions: number;
      mainStillStreaming: boolean;
      fresh: { output: string; exitCode: number };
      mainExits: number[];
      mainExited: boolean;
    }>(r);
    expect(report.rounds).toHaveLength(5);
    for (const round of report.rounds) {
      expect(round).toEqual({ streamed: true, terminateCode: 1, errors: [], gone: true, left: [] });
    }
    expect(report.workerSessions).toBe(100);
    expect(report.liveInWorkerSessions).toBe(0);
    expect(report.mainStillStreaming).toBe(true);
    expect(report.fresh).toEqual({ output: 'fresh-after-workers\r\n', exitCode: 0 });
    expect(report.mainExits).toEqual([1, 1, 1, 1]);
    // It ended on its own: nothing the workers left behind holds the event loop.
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
  });
});
