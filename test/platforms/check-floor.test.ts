/**
 * The floor check (scripts/platforms/check-floor.mjs) must be able to fail: a file built on
 * this machine's newer glibc is above the 2.28 floor, and an x64 file is not an arm64 one.
 * (The prebuilds themselves are checked by `npm run prebuild` and in CI.)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const devBuild = path.join(root, 'build', 'Release', 'native_pty.node');
const glibc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime;
const newerThanFloor = glibc !== undefined && Number(glibc.split('.')[1]) > 28 && process.arch === 'x64';

function checkFloor(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/platforms/check-floor.mjs'), ...args], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('check-floor', () => {
  it.runIf(newerThanFloor && fs.existsSync(devBuild))('fails a file linked against a glibc above 2.28, naming the versions', () => {
    const { status, out } = checkFloor('--targets=linux-x64-glibc', `--file=${devBuild}`);
    expect(status).toBe(1);
    expect(out).toMatch(/FAIL build\/Release\/native_pty\.node: needs GLIBC_2\.(29|[3-9]\d)/);
    expect(out).toContain('above the floor GLIBC_2.28');
  });

  it.runIf(process.arch === 'x64' && fs.existsSync(devBuild))('fails a file of another architecture', () => {
    const { status, out } = checkFloor('--targets=linux-arm64-glibc', `--file=${devBuild}`);
    expect(status).toBe(1);
    expect(out).toContain('ELF machine 62, want 183');
  });

  it('fails a file that is not an executable format at all', () => {
    const { status, out } = checkFloor('--targets=darwin-arm64', `--file=${path.join(root, 'package.json')}`);
    expect(status).toBe(1);
    expect(out).toContain('not a 64-bit Mach-O file');
  });
});
