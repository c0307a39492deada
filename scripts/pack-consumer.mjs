// The consumer side of scripts/test-pack.mjs: small programs written into an installed
// project and run there, as a user of the package would.
import fs from 'node:fs';
import path from 'node:path';

import { CheckError, run } from './pack-lib.mjs';

// Shared by both flavours: spawn a shell that prints a computed value (so the text cannot come
// from echoing the command line), collect output until exit, and report which file the import
// resolved to and which .node file the process actually mapped.
const BODY = `
const pty = new NativePty('/bin/sh', ['-c', 'echo "from-$FLAVOR:$((6*7))"'], {
  env: { ...process.env, FLAVOR },
});
let out = '';
pty.onData((d) => { out += d; });
const guard = setTimeout(() => { console.error('no exit within 20 s'); process.exit(3); }, 20_000);
pty.onExit(({ exitCode, signal }) => {
  clearTimeout(guard);
  const loaded = process.report.getReport().sharedObjects.filter((f) => f.endsWith('.node'));
  console.log(JSON.stringify({ out, exitCode, signal, resolved: RESOLVED, loaded }));
});
`;

const SOURCES = {
  cjs: [
    'spawn.cjs',
    `const { NativePty } = require('native-pty');\nconst FLAVOR = 'cjs';\n` +
      `const RESOLVED = require.resolve('native-pty');\n${BODY}`,
  ],
  esm: [
    'spawn.mjs',
    `import { fileURLToPath } from 'node:url';\nimport { NativePty } from 'native-pty';\n` +
      `const FLAVOR = 'esm';\nconst RESOLVED = fileURLToPath(import.meta.resolve('native-pty'));\n${BODY}`,
  ],
};

/** Runs the cjs or esm program in `dir` and returns its JSON report. */
export function spawnReport(dir, flavor, env) {
  const [file, source] = SOURCES[flavor];
  fs.writeFileSync(path.join(dir, file), source);
  const r = run(process.execPath, [file], { cwd: dir, env, timeout: 30_000 });
  if (r.status !== 0) throw new CheckError(`${flavor} consumer failed:\n${r.shown}`);
  const line = r.stdout.trim().split('\n').pop();
  try {
    return JSON.parse(line);
  } catch {
    throw new CheckError(`${flavor} consumer printed no report:\n${r.shown}`);
  }
}

// An ESM app whose CJS dependency also requires native-pty: both must reach one poller, or
// each drains (and drops) the other's sessions.
const DUAL = `
import { createRequire } from 'node:module';
import { NativePty as FromImport } from 'native-pty';
import viaDefault from 'native-pty';
if (viaDefault.NativePty !== FromImport) throw new Error('the default export is not the module');
const { NativePty: FromRequire } = createRequire(import.meta.url)('native-pty');
const guard = setTimeout(() => { console.log(JSON.stringify({ hung: true })); process.exit(3); }, 20_000);
const runs = [['import', FromImport], ['require', FromRequire], ['import', FromImport], ['require', FromRequire]]
  .map(([via, Pty], i) => new Promise((resolve) => {
    const pty = new Pty('/bin/sh', ['-c', 'sleep 0.2; echo "' + via + '-' + i + '"']);
    let out = '';
    pty.onData((d) => { out += d; });
    pty.onExit(({ exitCode }) => resolve({ via, ok: out.includes(via + '-' + i) && exitCode === 0 }));
  }));
const results = await Promise.all(runs);
clearTimeout(guard);
console.log(JSON.stringify({ sameClass: FromImport === FromRequire, results }));
`;

/** Runs the import-and-require program; returns its report. */
export function dualReport(dir, env) {
  fs.writeFileSync(path.join(dir, 'dual.mjs'), DUAL);
  const r = run(process.execPath, ['dual.mjs'], { cwd: dir, env, timeout: 30_000 });
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    throw new CheckError(`dual consumer printed no report:\n${r.shown}`);
  }
}

/** Spawns through the package in a fresh process and returns the load error's message. */
export function loadError(dir, env) {
  // The addon loads at the first spawn, not at require().
  const probe = `const { spawn } = require('native-pty');
try { spawn('/bin/sh', ['-c', 'true']); console.log('LOADED') } catch (e) { console.log(e.message) }`;
  const r = run(process.execPath, ['-e', probe], { cwd: dir, env, timeout: 30_000 });
  return r.out;
}

// Where no addon can load (another OS, a missing prebuild): the pure subpaths still work, a
// guarded import of the package leaves the process alive, and spawn() says why it cannot.
const NO_ADDON = `
import { stripAnsi } from 'native-pty/ansi';
import { ActivityDetector, parseStatusLine } from 'native-pty/activity';
import { FrameDecoder, listSessions } from 'native-pty/forwarder';
import { openScreen } from 'native-pty/screen';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
let guarded = 'imported';
try {
  const pkg = await import('native-pty');
  pkg.spawn('/bin/sh', ['-c', 'true']);
  guarded = 'spawned';
} catch (e) {
  guarded = e.code;
}
const detector = new ActivityDetector();
detector.feed('working\\n');
detector.dispose();
console.log(JSON.stringify({
  stripped: stripAnsi('\\x1b[1mbold\\x1b[0m'),
  status: parseStatusLine('\\u273b Crafting\\u2026 (205s \\u00b7 \\u2191 6.0k tokens)')?.text ?? null,
  requiredAnsi: typeof require('native-pty/ansi').stripAnsi,
  requiredActivity: typeof require('native-pty/activity').parseStatusLine,
  forwarder: [typeof FrameDecoder, (await listSessions('/nonexistent-control-dir')).length, typeof require('native-pty/forwarder').ForwardedSession],
  // The consumer has not installed the optional peer @xterm/headless: a clear error, no crash.
  screen: await openScreen({ cols: 80, rows: 24, observe: () => ({ dispose() {} }), on() {}, off() {} }).then(() => 'opened', (e) => e.code),
  guarded,
}));
`;

/**
 * `npx vt-pipe --version`, then a headless session of `echo; exit 7` through the bin: its exit
 * status and what its record holds; and which executable the package runs (vtPipePath()).
 */
export function vtPipeReport(dir, env) {
  const bin = path.join(dir, 'node_modules', '.bin', 'vt-pipe');
  const control = fs.mkdtempSync(path.join(dir, 'control-'));
  const version = run(bin, ['--version'], { cwd: dir, env, timeout: 30_000 });
  const session = run(bin, ['--headless', '--control-dir', control, '--session-id', 'pack', '--', 'sh', '-c', 'echo from-vt-pipe; exit 7'], {
    cwd: dir,
    env,
    timeout: 30_000,
  });
  let record = null;
  try {
    record = fs.readFileSync(path.join(control, 'pack', 'output.raw'), 'utf8');
  } catch {}
  const which = run(process.execPath, ['-e', "console.log(require('native-pty/forwarder').vtPipePath())"], { cwd: dir, env, timeout: 30_000 });
  return { version: version.out.trim(), status: session.status, record, executable: which.out.trim(), shown: session.shown };
}

/** Runs the no-addon program; returns its exit status and report. */
export function noAddonReport(dir, env) {
  fs.writeFileSync(path.join(dir, 'no-addon.mjs'), NO_ADDON);
  const r = run(process.execPath, ['no-addon.mjs'], { cwd: dir, env, timeout: 30_000 });
  let report = null;
  try {
    report = JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    throw new CheckError(`no-addon consumer printed no report:\n${r.shown}`);
  }
  return { status: r.status, report, shown: r.shown };
}

// Types a user would write, in both module systems. The @ts-expect-error lines fail the check
// if the shipped types were missing or `any`, not only if they were wrong.
const MTS = `
import pty0 from 'native-pty';
import { NativePty, spawn, type IPty, type IExitEvent, type NativePtyOptions } from 'native-pty';

// The default export, as code written for node-pty imports it.
const viaDefault: NativePty = pty0.spawn('/bin/sh', ['-c', 'true']);
void viaDefault;
const options: NativePtyOptions = { cols: 100, rows: 30, encoding: 'utf8', delivery: 'wake' };
const pty: IPty = new NativePty('/bin/sh', ['-c', 'true'], options);
pty.onData((data: string | Buffer) => void data);
pty.onExit((e: IExitEvent) => void [e.exitCode, e.signal]);
pty.resize(120, 40);
const other: NativePty = spawn('/bin/sh');
other.on('data', () => {});
const pid: number = other.pid;
void pid;
// @ts-expect-error cols is a number
new NativePty('/bin/sh', [], { cols: '80' });
// @ts-expect-error delivery is 'poll' | 'wake'
spawn('/bin/sh', [], { delivery: 'sometimes' });
`;

const CTS = `
import nativePty = require('native-pty');

const pty: nativePty.IPty = new nativePty.NativePty('/bin/sh', [], { rows: 10 });
pty.write('exit\\n');
// @ts-expect-error write takes a string or a Buffer
pty.write(42);
`;

/** Runs tsc --noEmit on the consumer and lists the files it read. */
export function typeCheck(dir, tsc, env) {
  fs.writeFileSync(path.join(dir, 'consumer.mts'), MTS);
  fs.writeFileSync(path.join(dir, 'consumer.cts'), CTS);
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        // Our .d.ts files are checked too, not trusted.
        skipLibCheck: false,
        types: ['node'],
      },
      files: ['consumer.mts', 'consumer.cts'],
    }, null, 2),
  );
  return run(process.execPath, [tsc, '--noEmit', '-p', 'tsconfig.json', '--listFiles'], { cwd: dir, env, timeout: 120_000 });
}
