import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  // package.json has "type": "module", so ESM is index.js (+ .d.ts) and CJS is index.cjs (+ .d.cts).
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  // The loader finds the package root from import.meta.url; the CJS bundle needs the shim.
  shims: true,
  clean: true,
  platform: 'node',
  target: 'node20',
  // One file per format keeps the dist/.. package-root computation true for every module.
  splitting: false,
});
