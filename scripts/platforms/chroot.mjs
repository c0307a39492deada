// Running the test suite inside the bullseye chroot: the checkout bind-mounted at its own path
// (so every path the tests compute is the same inside), /proc, /dev and /dev/pts for ptys, and
// this machine's Node copied in (its official build needs only glibc 2.28).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { run } from './toolchains.mjs';

function sameFile(a, b) {
  if (!fs.existsSync(b)) return false;
  const hash = (f) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
  return fs.statSync(a).size === fs.statSync(b).size && hash(a) === hash(b);
}

/**
 * Calls `body(exec)` with the chroot at `root` prepared; exec(command, env) runs a shell
 * command inside it, in `repo`, and returns its exit status. Everything mounted is unmounted
 * afterwards, also when body throws.
 */
export async function withChroot(root, repo, body) {
  const node = path.join(root, 'usr/local/bin/node');
  if (!sameFile(process.execPath, node)) fs.copyFileSync(process.execPath, node);
  fs.chmodSync(node, 0o755);
  const mounts = [
    ['-t', 'proc', 'proc', 'proc'],
    ['--rbind', '/dev', 'dev'],
    // The ptys the tests open: rbind does not always carry devpts along.
    ['--bind', '/dev/pts', 'dev/pts'],
    ['--bind', repo, repo.slice(1)],
  ];
  const mounted = [];
  try {
    for (const args of mounts) {
      const target = path.join(root, args.at(-1));
      fs.mkdirSync(target, { recursive: true });
      run('mount', [...args.slice(0, -1), target]);
      mounted.push(target);
    }
    return await body((command, env) => {
      const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
      const result = run(
        'chroot',
        [root, '/usr/bin/env', '-i', ...vars, '/bin/sh', '-c', `cd '${repo}' && ${command}`],
        { allowFailure: true },
      );
      return result.status;
    });
  } finally {
    for (const target of mounted.reverse()) run('umount', ['-l', target]);
  }
}
