'use strict';
/**
 * Loaded into every Node process of a sanitizer run (NODE_OPTIONS=--require, set by env.sh).
 * It makes LeakSanitizer's verdict mean something: LSan checks a process only when it exits
 * normally, so processes that die by a signal are checked by nobody.
 */
const fs = require('node:fs');
const path = require('node:path');
const { isMainThread } = require('node:worker_threads');

const logs = process.env.NATIVE_PTY_ASAN_LOGS;
const addon = process.env.NATIVE_PTY_ADDON;

if (isMainThread && process.env.NATIVE_PTY_ASAN_RUNNER === '1') {
  // The vitest runner process (started by run.sh with detect_leaks=0) never loads the addon;
  // at its exit LSan would report only its own dependencies (rolldown's Node-API binding keeps
  // references it never deletes). Every process it starts is checked: turn LSan back on for them.
  delete process.env.NATIVE_PTY_ASAN_RUNNER;
  process.env.ASAN_OPTIONS = String(process.env.ASAN_OPTIONS).replace('detect_leaks=0', 'detect_leaks=1');
}

const isVitestWorker =
  isMainThread &&
  typeof process.send === 'function' &&
  /[\\/]vitest[\\/]dist[\\/]workers[\\/]forks\.js$/.test(process.argv[1] || '');
if (isVitestWorker) {
  // vitest stops a fork worker with SIGTERM, whose default action ends Node without exit
  // hooks: no environment teardown, no LSan. A normal exit runs both, with the sessions the
  // test file left behind still open.
  process.on('SIGTERM', () => process.exit());
}

if (isMainThread && logs && addon) {
  // A record of every process that had the sanitizer build loaded and reached a normal exit,
  // i.e. every process LSan checked. check-logs.sh counts them, so a run in which no process
  // was checked fails instead of passing vacuously.
  process.on('exit', (code) => {
    let loaded = false;
    try {
      loaded = fs.readFileSync('/proc/self/maps', 'utf8').includes(addon);
    } catch {
      return;
    }
    if (!loaded) return;
    const what = path.relative(process.cwd(), process.argv[1] || '') || '(eval)';
    try {
      fs.appendFileSync(path.join(logs, 'checked-exits'), `${process.pid} code=${code} ${what}\n`);
    } catch {
      // Not writable for this process (a test that dropped to another uid): it is still
      // leak-checked, only not counted.
    }
  });
}
