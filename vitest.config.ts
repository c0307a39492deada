import path from 'node:path';
import { defineConfig } from 'vitest/config';

import { scaled } from './test/helpers/slowdown.js';

const src = (file: string) => path.resolve(import.meta.dirname, 'src', file);

export default defineConfig({
  resolve: {
    // The web terminal (packages/web) imports the library by its package name; the tests run
    // it against this checkout's sources, one copy of the library with the tests' own.
    alias: [
      { find: /^native-pty$/, replacement: src('index.ts') },
      { find: /^native-pty\/activity$/, replacement: src('activity/index.ts') },
      { find: /^native-pty\/ansi$/, replacement: src('ansi.ts') },
      { find: /^native-pty\/forwarder$/, replacement: src('forwarder/index.ts') },
      { find: /^native-pty\/screen$/, replacement: src('screen.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Real PTYs and real processes: generous bounds that only catch hangs.
    testTimeout: scaled(30_000),
    hookTimeout: scaled(30_000),
    // Test files run in forked processes so that native teardown is exercised per file.
    pool: 'forks',
  },
});
