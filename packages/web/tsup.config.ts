import { defineConfig } from 'tsup';

// The server runs as ESM on Node 20+; its dependencies (native-pty, ws, xterm.js) stay
// external and are loaded from node_modules.
export default defineConfig({
  entry: { cli: 'src/cli.ts', index: 'src/index.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  platform: 'node',
  target: 'node20',
});
