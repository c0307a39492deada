/**
 * node-pty's own tests, shipped in its package (lib/unixTerminal.test.js, lib/terminal.test.js),
 * run unchanged with mocha against native-pty: beside them, lib/unixTerminal.js and
 * lib/index.js are replaced by the shims in test/fixtures/node-pty/, which hand node-pty's
 * names to native-pty. Every case passes except the deliberate differences below, each listed
 * with its reason in the README's "Differences from node-pty".
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const nodePtyLib = path.join(path.dirname(require.resolve('node-pty/package.json')), 'lib');

/** Title of a node-pty test that fails on purpose → the README's heading for the reason. */
const DELIBERATE: Record<string, string> = {
  'should set a valid pts name': '`fd`',
  'should open a pty with access to a master and slave socket': '`open()`',
  'should handle exec() errors': 'exec and chdir errors',
  'should handle chdir() errors': 'exec and chdir errors',
  'should respect ctor flow control options': "node-pty's private fields",
};

interface MochaReport {
  stats: { tests: number; passes: number; failures: number };
  passes: Array<{ fullTitle: string; title: string }>;
  failures: Array<{ fullTitle: string; title: string; err: { message: string } }>;
}

function runNodePtyTests(): MochaReport {
  // In build/ (ignored by git) so that node_modules resolve; CommonJS like node-pty's lib.
  const dir = path.join(root, 'build', 'node-pty-tests');
  rmSync(dir, { recursive: true, force: true });
  // Its JavaScript only: the source maps point at sources the package does not ship.
  cpSync(nodePtyLib, path.join(dir, 'lib'), { recursive: true, filter: (from) => !from.endsWith('.map') });
  mkdirSync(path.join(dir, 'fixtures'));
  for (const shim of ['unixTerminal.js', 'index.js']) copyFileSync(path.join(root, 'test/fixtures/node-pty', shim), path.join(dir, 'lib', shim));
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "commonjs" }\n');
  // The fixture their encoding tests read (not shipped in node-pty's package): one 'æ'.
  writeFileSync(path.join(dir, 'fixtures', 'utf8-character.txt'), '\u00E6');
  const mocha = path.join(path.dirname(require.resolve('mocha/package.json')), 'bin', 'mocha.js');
  // Their signal tests give a child node 200 ms to install its handler: on a loaded machine a
  // case may be retried (twice at most), as it would be in node-pty's own CI.
  const args = [mocha, '--reporter', 'json', '--timeout', '20000', '--retries', '2', '--exit', 'lib/unixTerminal.test.js', 'lib/terminal.test.js'];
  const result = spawnSync(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, NATIVE_PTY_SOURCE: path.join(root, 'src', 'index.ts') },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const json = result.stdout.slice(result.stdout.indexOf('{'));
  try {
    return JSON.parse(json) as MochaReport;
  } catch {
    throw new Error(`mocha gave no report (status ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

describe("node-pty's own tests against native-pty", () => {
  it('pass, except the deliberate differences, each listed in the README', () => {
    const report = runNodePtyTests();
    const failed = Object.fromEntries(report.failures.map((f) => [f.title, f.err.message]));
    console.log(`node-pty's tests: ${report.stats.passes} passed, ${report.stats.failures} failed on purpose: ${Object.keys(failed).join('; ')}`);
    expect(Object.keys(failed).sort()).toEqual(Object.keys(DELIBERATE).sort());
    expect(report.stats.passes).toBeGreaterThanOrEqual(10);
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const differences = readme.slice(readme.indexOf('## Differences from node-pty'));
    for (const heading of new Set(Object.values(DELIBERATE))) expect(differences).toContain(heading);
  }, 180_000);
});
