/**
 * NativePty.observe(): every chunk of output as text, in order, then the end just before
 * 'exit', for text and Buffer sessions alike; a throwing observer is isolated in
 * reliability/throwing-listener.
 */
import { describe, expect, it } from 'vitest';
import { NativePty } from '../../src/index.js';
import { collect, waitForExit } from '../helpers/index.js';

/** An observer that records what it sees, and when its end came relative to 'exit'. */
function recorder(pty: NativePty): { text: () => string; events: string[] } {
  const chunks: string[] = [];
  const events: string[] = [];
  pty.observe({ text: (chunk) => chunks.push(chunk), end: () => events.push('end') });
  pty.on('exit', () => events.push('exit'));
  return { text: () => chunks.join(''), events };
}

// Bytes of 'é' (C3 A9) written apart, so that they arrive in two reads.
const SPLIT_CHARACTER = `printf 'caf\\303'; sleep 0.2; printf '\\251 au lait\\n'; seq 1 2000`;
const EXPECTED = `café au lait\r\n${Array.from({ length: 2000 }, (_, i) => `${i + 1}\r\n`).join('')}`;

describe('observe()', () => {
  it('sees every chunk of a text session, in order, then its end just before exit', async () => {
    const pty = new NativePty('sh', ['-c', SPLIT_CHARACTER]);
    const seen = recorder(pty);
    const r = await collect<string>(pty);
    expect(r.chunks.join('')).toBe(EXPECTED);
    expect(seen.text()).toBe(EXPECTED);
    expect(seen.events).toEqual(['end', 'exit']);
  });

  it('reads a Buffer session as UTF-8 text, a character split across reads whole', async () => {
    const pty = new NativePty('sh', ['-c', SPLIT_CHARACTER], { encoding: null });
    const seen = recorder(pty);
    const r = await collect<Buffer>(pty);
    expect(Buffer.concat(r.chunks).toString('utf8')).toBe(EXPECTED);
    expect(seen.text()).toBe(EXPECTED);
    expect(seen.text()).not.toContain('\ufffd');
    expect(seen.events).toEqual(['end', 'exit']);
  });

  it('stops at dispose(), and after the exit calls end() at once', async () => {
    const pty = new NativePty('sh', ['-c', 'echo one; sleep 0.3; echo two']);
    const chunks: string[] = [];
    let ended = 0;
    const subscription = pty.observe({ text: (c) => chunks.push(c), end: () => ended++ });
    await new Promise<void>((resolve) => pty.observe({ text: (c) => c.includes('one') && resolve(), end: () => {} }));
    subscription.dispose();
    await waitForExit(pty);
    expect(chunks.join('')).toBe('one\r\n');
    expect(ended).toBe(0);
    pty.observe({ text: () => chunks.push('late'), end: () => ended++ });
    expect(ended).toBe(1);
    expect(chunks.join('')).toBe('one\r\n');
  });

  it('rejects what is not an observer, naming the part', () => {
    const pty = new NativePty('true');
    const type = (name: string) => expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining(`"${name}"`) });
    expect(() => pty.observe(null as never)).toThrow(type('observer'));
    expect(() => pty.observe({ end: () => {} } as never)).toThrow(type('observer.text'));
    expect(() => pty.observe({ text: () => {} } as never)).toThrow(type('observer.end'));
    pty.kill('SIGKILL');
    return waitForExit(pty);
  });
});
