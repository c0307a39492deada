// vt-pipe sessions in the web terminal: found in the control directory, shown and typed into
// like the server's own shells, and still there for a server started after this one stopped.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSession, startSession } from '../../src/forwarder/index.js';
import { controlDirsPerTest } from '../helpers/forwarder.js';
import { isAlive } from '../helpers/index.js';
import { until } from '../helpers/wait.js';
import { api, newSession, serversPerTest, TestViewer } from '../helpers/web.js';

const serve = serversPerTest();
const scratch = controlDirsPerTest();

/** Ends a vt-pipe session for good (command and forwarder), so its directory can go. */
async function endSession(pid: number, forwarderPid: number): Promise<void> {
  for (const p of [pid, forwarderPid]) if (isAlive(p)) process.kill(p, 'SIGKILL');
  await until(() => !isAlive(pid) && !isAlive(forwarderPid), 10_000, 'the session to end');
}

describe('web terminal: vt-pipe sessions', () => {
  it('shows a vt-pipe session, types into it, and finds it again after a server restart', async () => {
    const controlDir = scratch();
    const started = await startSession('/bin/bash', ['--norc', '--noprofile'], { controlDir, name: 'agent', cols: 90, rows: 20 });
    try {
      const first = await serve({ controlDir });
      const id = `vt-${started.id}`;
      expect(first.hub.list()).toMatchObject([{ id, kind: 'vt-pipe', title: 'agent', pid: started.pid, cols: 90, rows: 20, exited: false }]);
      const viewer = new TestViewer(first, id);
      await viewer.opened;
      viewer.type('echo through-$((6*7))\r');
      await viewer.waitFor((v) => v.text.includes('through-42'), 'the answer through vt-pipe');
      await first.close();
      expect(readSession(started.dir).status).toBe('running');
      expect(isAlive(started.pid)).toBe(true);

      const second = await serve({ controlDir });
      const again = new TestViewer(second, id);
      await again.waitFor((v) => v.of('snapshot').length === 1, 'the snapshot from the second server');
      expect(again.of('snapshot')[0]!.data).toContain('through-42');
      again.type('echo still-here\r');
      await again.waitFor((v) => v.text.includes('still-here\r\n'), 'the session to answer the second server');

      // Ending it from the web ends the command under vt-pipe.
      expect((await api(second, `/api/sessions/${id}`, { method: 'DELETE' })).status).toBe(202);
      await again.waitFor((v) => v.of('exit').length === 1, 'the exit');
      await until(() => !isAlive(started.pid), 10_000, 'the command to end');
      expect(second.hub.get(id)!.summary().exited).toBe(true);
    } finally {
      await endSession(started.pid, started.forwarderPid);
    }
  });

  it('picks up a session started after the server, within a scan', async () => {
    const controlDir = scratch();
    const web = await serve({ controlDir });
    expect(web.hub.list()).toEqual([]);
    const started = await startSession('/bin/sh', ['-c', 'echo late-comer; sleep 30'], { controlDir });
    try {
      await until(() => web.hub.list().length === 1, 10_000, 'the scan to find the session');
      const viewer = new TestViewer(web, `vt-${started.id}`);
      await viewer.waitFor((v) => v.of('snapshot').some((s) => s.data.includes('late-comer')), 'its screen');
    } finally {
      await endSession(started.pid, started.forwarderPid);
    }
  });

  it('runs new sessions under vt-pipe with persistent, so that they outlive the server that started them', async () => {
    const controlDir = scratch();
    const first = await serve({ controlDir, persistent: true });
    const id = await newSession(first);
    const summary = first.hub.get(id)!.summary();
    try {
      expect(summary).toMatchObject({ kind: 'vt-pipe', exited: false });
      const viewer = new TestViewer(first, id);
      await viewer.opened;
      viewer.type('export MARK=kept-$((6*7))\r');
      await viewer.waitFor((v) => v.text.includes('kept-'), 'the echo');
      await first.close();
      expect(isAlive(summary.pid)).toBe(true);

      const second = await serve({ controlDir });
      const again = new TestViewer(second, id);
      await again.opened;
      again.type('echo "$MARK"\r');
      await again.waitFor((v) => v.text.includes('kept-42\r\n'), 'the shell\'s state, kept across the restart');
    } finally {
      const [record] = readdirSync(controlDir).map((name) => readSession(path.join(controlDir, name)));
      await endSession(summary.pid, record!.forwarderPid);
    }
  });

  it('refuses persistent without a control directory', async () => {
    await expect(serve({ controlDir: null, persistent: true })).rejects.toThrow(/persistent.*controlDir/);
  });
});
