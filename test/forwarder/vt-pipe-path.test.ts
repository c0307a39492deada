/**
 * vtPipePath(): which vt-pipe executable the client side runs. (Which prebuild an installed
 * package picks, the static one on Linux, is checked by test:pack on the packed package.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { vtPipePath } from '../../src/forwarder/index.js';

const saved = { ...process.env };
afterEach(() => {
  for (const key of ['NATIVE_PTY_VT_PIPE', 'npm_config_platform']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

describe('vtPipePath', () => {
  it('takes NATIVE_PTY_VT_PIPE as it is', () => {
    process.env.NATIVE_PTY_VT_PIPE = '/opt/vt-pipe';
    expect(vtPipePath()).toBe('/opt/vt-pipe');
  });

  it('says ERR_NATIVE_PTY_UNSUPPORTED on Windows, naming the platform', () => {
    delete process.env.NATIVE_PTY_VT_PIPE;
    process.env.npm_config_platform = 'win32';
    expect(() => vtPipePath()).toThrow(expect.objectContaining({ code: 'ERR_NATIVE_PTY_UNSUPPORTED', message: expect.stringMatching(/^vt-pipe: win32 is not supported/) }));
  });
});
