/**
 * The floor check (scripts/platforms/check-floor.mjs) must be able to fail: a file built on
 * this machine's newer glibc is above the 2.28 floor, an x64 file is not an arm64 one, and an
 * addon that calls its own std:: functions through the PLT could end up in node's copies.
 * (The prebuilds themselves are checked by `npm run prebuild` and in CI.)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
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

  it.runIf(process.arch === 'x64' && spawnSync('g++', ['--version']).status === 0)(
    'fails an addon that calls its own std:: functions through the PLT, and passes it linked with -Bsymbolic-functions',
    () => {
      // Node exports its own std:: instantiations; through the PLT the addon would call those.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'native-pty-floor-'));
      try {
        const source = path.join(dir, 'uses-std.cc');
        fs.writeFileSync(
          source,
          [
            '#include <string>',
            '#include <vector>',
            'extern "C" size_t grow(int n) {',
            '  std::vector<std::string> v;',
            '  for (int i = 0; i < n; i++) v.push_back(std::to_string(i));',
            '  return v.size();',
            '}',
            '',
          ].join('\n'),
        );
        const build = (name: string, extra: string[]) => {
          const out = path.join(dir, name);
          const flags = ['-shared', '-fPIC', '-O2', '-static-libstdc++', '-static-libgcc', '-Wl,--exclude-libs,ALL'];
          const r = spawnSync('g++', [...flags, ...extra, '-o', out, source], { encoding: 'utf8' });
          expect(r.status, r.stderr).toBe(0);
          return out;
        };
        const plain = checkFloor('--targets=linux-x64-glibc', `--file=${build('plain.node', [])}`);
        expect(plain.status).toBe(1);
        expect(plain.out).toMatch(/calls \d+ of its own std:: functions through the PLT \(_ZN?K?St/);
        expect(plain.out).toContain('link with -Bsymbolic-functions');
        const bound = checkFloor('--targets=linux-x64-glibc', `--file=${build('bound.node', ['-Wl,-Bsymbolic-functions'])}`);
        expect(bound.out).not.toContain('through the PLT');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('fails a file that is not an executable format at all', () => {
    const { status, out } = checkFloor('--targets=darwin-arm64', `--file=${path.join(root, 'package.json')}`);
    expect(status).toBe(1);
    expect(out).toContain('not a 64-bit Mach-O file');
  });
});
