#!/usr/bin/env node
// npm run check:floor: proves what every prebuild needs from the system it lands on, so that a
// floor cannot drift up unnoticed (a newer compiler, a new libc call). Per file:
//   glibc  the right ELF machine; no GLIBC_* symbol version above the target's floor (2.28);
//          no GLIBCXX/CXXABI/GCC_* version at all (the C++ runtime is linked in), and only
//          glibc's own libraries as NEEDED.
//   musl   the right machine; the addon needs only libc (musl's loader maps libc.so to
//          itself), vt-pipe nothing (static); no glibc symbol versions.
//   macOS  a Mach-O of the right CPU, a bundle-or-dylib addon and an executable vt-pipe,
//          built for macOS 11.0 at the most (LC_BUILD_VERSION).
// Prints one line per file and exits 1 if any file fails. readelf comes from binutils.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { outputs, selectTargets } from './targets.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GLIBC_LIBRARIES = /^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|ld-linux[-.\w]*\.so\.\d)$/;

function compareVersions(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return 0;
}

function readelf(args, file) {
  const result = spawnSync('readelf', [...args, '-W', file], { encoding: 'utf8' });
  if (result.error) throw new Error(`readelf: ${result.error.message} (install binutils)`);
  return result.stdout;
}

/** What an ELF file needs: its machine, NEEDED libraries and required symbol versions. */
function elfNeeds(file) {
  const header = fs.readFileSync(file).subarray(0, 20);
  if (header.readUInt32BE(0) !== 0x7f454c46) return { error: 'not an ELF file' };
  const machine = header.readUInt16LE(18);
  const needed = [...readelf(['-d'], file).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
  const versions = new Set(
    [...readelf(['-V'], file).matchAll(/Name: ((?:GLIBC|GLIBCXX|CXXABI|GCC)_[\d.]+)/g)].map((m) => m[1]),
  );
  const interpreter = /Requesting program interpreter: ([^\]]+)\]/.exec(readelf(['-l'], file))?.[1];
  return { machine, needed, versions: [...versions], interpreter };
}

/**
 * The C++ library functions the file defines yet calls through its PLT, where the process's
 * other copies (node exports its own std:: instantiations) take precedence over the file's.
 * Linked with -Bsymbolic-functions there are none.
 */
function interposableStdCalls(file) {
  const slots = readelf(['-r'], file).matchAll(/R_(?:X86_64|AARCH64)_JUMP_SLOT\s+([0-9a-f]+)\s+(_ZN?K?St\S*)/g);
  return [...slots].filter((m) => /[1-9a-f]/.test(m[1])).map((m) => m[2]);
}

function checkElf(target, file, kind) {
  const needs = elfNeeds(file);
  const problems = [];
  if (needs.error) return { problems: [needs.error], summary: '' };
  if (needs.machine !== target.elfMachine) problems.push(`ELF machine ${needs.machine}, want ${target.elfMachine}`);
  const glibc = needs.versions.filter((v) => v.startsWith('GLIBC_')).map((v) => v.slice(6));
  const highest = glibc.sort(compareVersions).at(-1);
  const cxx = needs.versions.filter((v) => !v.startsWith('GLIBC_'));
  if (target.libc === 'glibc') {
    if (highest && compareVersions(highest, target.glibcFloor) > 0) {
      const above = glibc.filter((v) => compareVersions(v, target.glibcFloor) > 0).map((v) => `GLIBC_${v}`);
      problems.push(`needs ${above.join(', ')}, above the floor GLIBC_${target.glibcFloor}`);
    }
    if (cxx.length) problems.push(`needs the system's C++ runtime (${cxx.join(', ')}); it must be linked in`);
    const foreign = needs.needed.filter((lib) => !GLIBC_LIBRARIES.test(lib));
    if (foreign.length) problems.push(`NEEDED ${foreign.join(', ')}: not part of glibc`);
    const interposable = kind === 'addon' ? interposableStdCalls(file) : [];
    if (interposable.length) {
      problems.push(`calls ${interposable.length} of its own std:: functions through the PLT (${interposable[0]}…): link with -Bsymbolic-functions`);
    }
    return { problems, summary: `max GLIBC_${highest ?? 'none'}, NEEDED ${needs.needed.join(' ') || 'none'}` };
  }
  // musl
  if (needs.versions.length) problems.push(`has glibc symbol versions (${needs.versions.join(', ')})`);
  if (kind === 'addon') {
    const foreign = needs.needed.filter((lib) => lib !== 'libc.so' && !/^libc\.musl-/.test(lib));
    if (foreign.length) problems.push(`NEEDED ${foreign.join(', ')}: a musl system has only libc`);
  } else if (needs.needed.length || needs.interpreter) {
    problems.push(`vt-pipe should be static, but needs ${needs.interpreter ?? ''} ${needs.needed.join(' ')}`);
  }
  const linkage = kind === 'addon' ? `NEEDED ${needs.needed.join(' ')}` : 'static';
  return { problems, summary: `no glibc versions, ${linkage}` };
}

const MH_MAGIC_64 = 0xfeedfacf;
const LC_BUILD_VERSION = 0x32;
const FILE_TYPES = { 2: 'executable', 6: 'dylib', 8: 'bundle' };

function checkMachO(target, file, kind) {
  const data = fs.readFileSync(file);
  if (data.readUInt32LE(0) !== MH_MAGIC_64) return { problems: ['not a 64-bit Mach-O file'], summary: '' };
  const problems = [];
  const cpu = data.readUInt32LE(4);
  const type = FILE_TYPES[data.readUInt32LE(12)] ?? `type ${data.readUInt32LE(12)}`;
  if (cpu !== target.machoCpu) problems.push(`CPU type 0x${cpu.toString(16)}, want 0x${target.machoCpu.toString(16)}`);
  const wantTypes = kind === 'addon' ? ['bundle', 'dylib'] : ['executable'];
  if (!wantTypes.includes(type)) problems.push(`a ${type}, want ${wantTypes.join(' or ')}`);
  let minos;
  const commands = data.readUInt32LE(16);
  for (let i = 0, offset = 32; i < commands; i++) {
    const cmd = data.readUInt32LE(offset);
    if (cmd === LC_BUILD_VERSION) {
      const v = data.readUInt32LE(offset + 12);
      minos = `${v >>> 16}.${(v >>> 8) & 0xff}`;
    }
    offset += data.readUInt32LE(offset + 4);
  }
  if (!minos) problems.push('no LC_BUILD_VERSION');
  else if (compareVersions(minos, target.macosFloor) > 0) problems.push(`needs macOS ${minos}, above ${target.macosFloor}`);
  return { problems, summary: `${type}, macOS ${minos ?? '?'}+` };
}

// --file=<path> (with --targets=<one id>) checks that one file as the target's addon (or its
// vt-pipe, if named vt-pipe*) instead of prebuilds/: how the tests show that a file above the
// floor fails.
const fileFlag = process.argv.find((arg) => arg.startsWith('--file='))?.slice('--file='.length);
function filesOf(target) {
  const out = outputs(target);
  if (fileFlag) return [[path.basename(fileFlag).startsWith('vt-pipe') ? 'vtPipe' : 'addon', path.resolve(fileFlag)]];
  return [['addon', path.join(root, out.dir, out.addon)], ['vtPipe', path.join(root, out.dir, out.vtPipe)]];
}

let failed = 0;
let checked = 0;
for (const target of selectTargets()) {
  for (const [kind, file] of filesOf(target)) {
    const rel = path.relative(root, file);
    checked++;
    if (!fs.existsSync(file)) {
      console.log(`FAIL ${rel}: missing (npm run prebuild)`);
      failed++;
      continue;
    }
    const { problems, summary } = target.platform === 'darwin' ? checkMachO(target, file, kind) : checkElf(target, file, kind);
    if (problems.length) failed++;
    console.log(`${problems.length ? 'FAIL' : 'ok  '} ${rel}: ${problems.length ? problems.join('; ') : summary}`);
  }
}
console.log(`check-floor: ${checked - failed}/${checked} prebuilds within their floors`);
process.exit(failed ? 1 : 0);
