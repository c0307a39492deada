#!/usr/bin/env node
// `npx vt-pipe …`: runs this platform's vt-pipe executable (the package's prebuild, or a build
// of the checkout) with the same arguments and terminal, and exits as it does. The executable
// can also be run directly: require('native-pty/forwarder').vtPipePath() names it.
'use strict';
const { spawn } = require('node:child_process');

let file;
try {
  file = require('../dist/forwarder.cjs').vtPipePath();
} catch (err) {
  process.stderr.write(`vt-pipe: ${err.message}\n`);
  process.exit(125);
}
const child = spawn(file, process.argv.slice(2), { stdio: 'inherit' });
// vt-pipe shares this terminal and its process group: what the terminal sends the group
// (SIGINT, SIGQUIT, SIGWINCH, a hang-up's SIGHUP) reaches it directly, so this launcher only
// outlives those; what is sent to the launcher by pid (SIGTERM, SIGHUP) is passed on.
for (const sig of ['SIGINT', 'SIGQUIT']) process.on(sig, () => {});
for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('error', (err) => {
  process.stderr.write(`vt-pipe: ${err.message}\n`);
  process.exit(125);
});
child.on('exit', (code, signal) => process.exit(code ?? 128 + (require('node:os').constants.signals[signal] ?? 0)));
