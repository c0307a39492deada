/**
 * latency: one byte written to a raw-mode `cat`, timed until its echo is delivered; the next
 * byte goes out as soon as the echo is in. Reported in µs after a warm-up.
 *
 * In poll mode an echo waits for the poller's next tick, so its latency is the poll interval
 * plus however late Node's timer fires. As a control, a plain setInterval with the same
 * interval runs alongside and its gaps are reported: they show how late timers fire on this
 * machine at this moment, whatever the library does.
 */
import { distribution } from '../lib/stats.js';
import { nowMs, runWorkload, waitFor, type BaseParams } from '../lib/workload.js';

interface Params extends BaseParams {
  roundTrips: number;
  warmup: number;
  /** A round trip slower than this is a failure, not a sample. */
  roundTripLimitMs: number;
  /** NativePty's poll interval, for the control timer in poll mode. */
  pollInterval: number;
}

runWorkload<Params>('latency', async ({ impl, params, left }) => {
  // printf R says stty has run: from then on the terminal itself echoes nothing.
  const pty = impl.spawn('/bin/sh', ['-c', 'stty raw -echo; printf R; exec cat']);
  const samples: number[] = [];
  const total = params.warmup + params.roundTrips;
  let ready = false;
  let exited = false;
  let failure: string | null = null;
  let index = 0;
  let expected = '';
  let received = '';
  let sentAt = 0;
  let endAt = Infinity;
  let finish: () => void = () => {};

  const sendNext = (): void => {
    if (index >= total || nowMs() >= endAt) {
      finish();
      return;
    }
    expected = String.fromCharCode(97 + (index % 26));
    received = '';
    sentAt = nowMs();
    pty.write(expected);
  };

  pty.onData((data) => {
    const t = nowMs();
    if (!ready) {
      ready = String(data).includes('R');
      return;
    }
    received += String(data);
    if (received !== expected) {
      failure = `expected the echo ${JSON.stringify(expected)}, got ${JSON.stringify(received)}`;
      finish();
      return;
    }
    if (index >= params.warmup) samples.push((t - sentAt) * 1e3);
    index++;
    sendNext();
  });
  pty.onExit(() => {
    exited = true;
    finish();
  });

  if (!(await waitFor(() => ready || exited, Math.min(10_000, left())))) failure = 'cat never became ready';
  const timerGaps: number[] = [];
  let control: NodeJS.Timeout | undefined;
  if (impl.name === 'native-poll') {
    let last = nowMs();
    control = setInterval(() => {
      const t = nowMs();
      timerGaps.push(t - last);
      last = t;
    }, params.pollInterval);
  }
  if (failure === null && !exited) {
    endAt = nowMs() + left();
    await new Promise<void>((resolve) => {
      // A watchdog, rare enough not to disturb the measurement: a lost echo ends the run
      // instead of hanging it.
      let lastIndex = -1;
      const watchdog = setInterval(() => {
        if (index === lastIndex) {
          failure = `no echo within ${params.roundTripLimitMs} ms at round trip ${index}`;
          finish();
        }
        lastIndex = index;
      }, params.roundTripLimitMs);
      finish = () => {
        clearInterval(watchdog);
        finish = () => {};
        resolve();
      };
      sendNext();
    });
  }
  clearInterval(control);
  if (exited && failure === null && index < total) failure = 'cat exited early';
  pty.kill('SIGKILL');
  await waitFor(() => exited, 5_000);
  return {
    ok: failure === null,
    failure,
    roundTrips: samples.length,
    us: distribution(samples),
    controlTimerGapMs: timerGaps.length > 0 ? distribution(timerGaps) : null,
  };
});
