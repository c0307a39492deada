import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real PTYs and real processes: generous bounds that only catch hangs.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Test files run in forked processes so that native teardown is exercised per file.
    pool: 'forks',
  },
});
