/**
 * Many sessions at once: 100 headless vt-pipe sessions, 1 MiB of output each, two clients
 * each. Every client and every record gets every byte.
 *
 * Under the sanitizer build (npm run test:asan) 25 sessions: 100 instrumented forwarders kept
 * two cores so busy that the teardown test beside it saw streams starve for 20 s.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ForwardedSession, startSession } from '../../src/forwarder/index.js';
import { controlDir } from '../helpers/forwarder.js';

const scratch = controlDir();
afterAll(() => scratch.remove());

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const SESSIONS = process.env.NATIVE_PTY_ASAN_LOGS ? 25 : 100;

function received(s: ForwardedSession): Promise<Buffer> {
  const chunks: Buffer[] = [];
  s.on('data', (d: Buffer) => chunks.push(d));
  return new Promise((resolve) => s.on('exit', () => resolve(Buffer.concat(chunks))));
}

describe(`${SESSIONS} sessions`, () => {
  it('each with two clients: both clients and the record get every byte', async () => {
    const script = 'stty -echo -opost; read -r go; head -c 1048576 /dev/urandom';
    const sessions = await Promise.all(
      Array.from({ length: SESSIONS }, (_, i) => startSession('sh', ['-c', script], { controlDir: scratch.dir, sessionId: `s${i}` })),
    );
    const runs = await Promise.all(
      sessions.map(async (s) => {
        const a = await ForwardedSession.attach(s.dir, { encoding: null });
        const b = await ForwardedSession.attach(s.dir, { encoding: null });
        const both = Promise.all([received(a), received(b)]);
        a.write('go\n');
        return { dir: s.dir, both };
      }),
    );
    let bad = 0;
    for (const run of runs) {
      const [x, y] = await run.both;
      const record = readFileSync(path.join(run.dir, 'output.raw'));
      if (record.length !== 1048576 || sha(x) !== sha(record) || sha(y) !== sha(record)) bad++;
    }
    expect(bad).toBe(0);
  }, 120_000);
});
