/**
 * What the runner prepares before any workload: the data file of printable bytes and the C
 * reader's binary, both cached under bench/.cache/ (git-ignored) and rebuilt when stale.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const MiB = 1024 * 1024;

/**
 * Printable ASCII (0x20..0x7e) from a fixed-seed xorshift generator: no newlines, so no line
 * discipline rewrites them; not compressible or repetitive, so a block at any offset is
 * distinct from a block at any other; and the same bytes on every machine.
 */
export function ensureDataFile(cacheDir: string, size: number): string {
  const file = path.join(cacheDir, `printable-${size}.bin`);
  try {
    if (fs.statSync(file).size === size) return file;
  } catch {
    // Not there yet.
  }
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    let state = 0x9e3779b9;
    const chunk = Buffer.alloc(MiB);
    for (let written = 0; written < size; written += chunk.length) {
      for (let i = 0; i < chunk.length; i++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        chunk[i] = 0x20 + ((state >>> 0) % 95);
      }
      fs.writeSync(fd, chunk, 0, Math.min(chunk.length, size - written));
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  return file;
}

export interface CReader {
  path: string | null;
  /** Why there is none, e.g. no C compiler. */
  reason?: string;
}

/** Compiles bench/c/<name>.c once per version of its source (cached as bench/.cache/<name>-<digest>). */
export function ensureCProgram(benchDir: string, cacheDir: string, name: string, libs: string[] = []): CReader {
  const source = path.join(benchDir, 'c', `${name}.c`);
  const text = fs.readFileSync(source);
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const binary = path.join(cacheDir, `${name}-${digest}`);
  if (fs.existsSync(binary)) return { path: binary };
  const compiler = process.env.CC || 'cc';
  const tmp = `${binary}.${process.pid}.tmp`;
  try {
    execFileSync(compiler, ['-O2', '-Wall', '-o', tmp, source, ...libs], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    return { path: null, reason: `${compiler} failed: ${stderr || (err as Error).message}` };
  }
  fs.renameSync(tmp, binary);
  return { path: binary };
}

/** The C reader, bench/c/ptybench.c. -lutil: forkpty lives there on glibc before 2.34 (an empty
 * stub after) and on musl. */
export function ensureCReader(benchDir: string, cacheDir: string): CReader {
  return ensureCProgram(benchDir, cacheDir, 'ptybench', ['-lutil']);
}
