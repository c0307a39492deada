import { readdir, rm, writeFile } from 'node:fs/promises';

import { defineConfig } from 'tsup';

// The ESM entry re-exports the CJS bundle instead of being a second copy of the code. With two
// copies, a process that both imports and requires native-pty (an ESM app with a CJS
// dependency on us) gets two pollers draining the one native session map: each steals the
// other's output and exits, and sessions hang. Measured: 4 sessions, 2 per copy, none exited.
// Node resolves the named exports through the `0 && (module.exports = {...})` hint esbuild
// writes for cjs-module-lexer.
const esmWrapper = (entry: string) => `// One implementation for import and require: see tsup.config.ts.
export * from './${entry}.cjs';
${entry === 'index' ? "// The default export: node-pty's shape, the module itself (a CJS module's default is its exports).\nexport { default } from './index.cjs';\n" : ''}`;

// `native-pty/activity`, `native-pty/ansi`, `native-pty/forwarder` (vt-pipe's client) and
// `native-pty/screen` (rendered text through the optional @xterm/headless) are pure TypeScript:
// they never load the addon, so they work on any platform, also where no native build exists.
const ENTRIES = {
  index: 'src/index.ts',
  activity: 'src/activity/index.ts',
  ansi: 'src/ansi.ts',
  forwarder: 'src/forwarder/index.ts',
  screen: 'src/screen.ts',
};

export default defineConfig({
  entry: ENTRIES,
  // package.json has "type": "module": CJS is index.cjs (+ .d.cts), ESM index.js (+ .d.ts). The
  // ESM bundle is built only for its .d.ts; onSuccess replaces its code with the wrapper.
  format: ['esm', 'cjs'],
  dts: true,
  // Maps without the sources embedded: stack traces (with --enable-source-maps) still name the
  // src/ file and line; embedding every source doubled the JavaScript in the tarball.
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
  // The loader finds the package root from import.meta.url, which CJS needs shimmed.
  shims: true,
  clean: true,
  platform: 'node',
  target: 'node20',
  // Shared chunks, so that the subpaths and the main entry hold one copy of the activity and
  // ANSI code (one ActivityDetector class, and a smaller tarball). Every chunk sits in dist/,
  // which keeps the loader's dist/.. package-root computation true.
  splitting: true,
  async onSuccess() {
    // The ESM build's shared chunks serve only its code, which the wrappers replace.
    for (const file of await readdir('dist')) {
      if (/^chunk-.*\.js(\.map)?$/.test(file)) await rm(`dist/${file}`);
    }
    for (const entry of Object.keys(ENTRIES)) {
      await writeFile(`dist/${entry}.js`, esmWrapper(entry));
      await rm(`dist/${entry}.js.map`, { force: true });
    }
  },
});
