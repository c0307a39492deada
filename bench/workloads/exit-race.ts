/**
 * exit race: `head -c SIZE FILE` on a raw-mode pty, many times. The child writes and exits at
 * once; a run "lost bytes" when 'exit' arrived before all of them did (a program that trusts
 * 'exit' would miss the tail). Late bytes are counted apart from bytes never delivered. A
 * second series blocks the event loop while the child exits, as a busy server would.
 */
import { shellQuote } from '../lib/stream-run.js';
import { nowMs, onceExit, runWorkload, sleep, type BaseParams } from '../lib/workload.js';

interface Params extends BaseParams {
  runs: number;
  busyRuns: number;
  busyMs: number;
  size: number;
  file: string;
  settleMs: number;
  exitLimitMs: number;
}

interface RunState {
  bytes: number;
  bytesAtExit: number;
}

function busyWait(ms: number): void {
  const end = nowMs() + ms;
  while (nowMs() < end) {
    // The event loop is blocked on purpose: the child finishes while JavaScript cannot look.
  }
}

runWorkload<Params>('exit-race', async ({ impl, params, left }) => {
  const command = `stty raw -echo; head -c ${params.size} ${shellQuote(params.file)}`;

  async function series(count: number, busyMs: number): Promise<RunState[]> {
    const states: RunState[] = [];
    for (let i = 0; i < count && left() > 0; i++) {
      const state: RunState = { bytes: 0, bytesAtExit: -1 };
      states.push(state);
      const pty = impl.spawn('/bin/sh', ['-c', command], { encoding: null });
      // Listening goes on after 'exit', while the next runs proceed, so late bytes are seen.
      pty.onData((data) => (state.bytes += data.length));
      pty.onExit(() => (state.bytesAtExit = state.bytes));
      if (busyMs > 0) busyWait(busyMs);
      if ((await onceExit(pty, Math.min(params.exitLimitMs, left()))) === null) pty.kill('SIGKILL');
    }
    return states;
  }

  const normal = await series(params.runs, 0);
  const busy = await series(params.busyRuns, params.busyMs);
  await sleep(Math.min(params.settleMs, left()));

  const summary = (states: RunState[]) => ({
    runs: states.length,
    lost: states.filter((s) => s.bytesAtExit !== params.size).length,
    late: states.filter((s) => s.bytesAtExit !== params.size && s.bytes === params.size).length,
    neverDelivered: states.filter((s) => s.bytes !== params.size).length,
    noExit: states.filter((s) => s.bytesAtExit < 0).length,
  });
  return { size: params.size, normal: summary(normal), busy: { busyMs: params.busyMs, ...summary(busy) } };
});
