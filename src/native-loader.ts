/**
 * Finds and loads the compiled addon, and when that fails says exactly what was looked for and
 * how to get it. Users meet this message on a platform without a prebuild, so it has to be
 * enough to act on. (node-gyp-build, the install script, builds from source when no prebuild
 * loads; the runtime search is this file's, so that the libc is chosen correctly.)
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/**
 * The Node-API version the addon is compiled against (NAPI_VERSION in binding.gyp). Node
 * refuses to load an addon that needs more than it offers, with a less helpful message.
 */
export const ADDON_NAPI_VERSION = 8;

/** The platforms the addon is built for; anything else gets ERR_NATIVE_PTY_UNSUPPORTED. */
export const SUPPORTED_PLATFORMS: readonly string[] = ['linux', 'darwin'];

/**
 * Which C library this Node runs on, 'glibc' or 'musl' ('' off Linux). LIBC overrides it, as
 * for node-gyp-build. Node reports the glibc version on glibc builds only, and a musl Node has
 * musl's loader among its shared objects: unlike looking for /etc/alpine-release, this is right
 * on every musl distribution (Alpine, Void, Chimera) and in a glibc container on an Alpine host.
 */
export function detectLibc(platform: string = process.platform): string {
  if (platform !== 'linux') return '';
  const forced = process.env.LIBC;
  if (forced === 'glibc' || forced === 'musl') return forced;
  try {
    const report = process.report?.getReport() as
      | { header?: { glibcVersionRuntime?: string }; sharedObjects?: string[] }
      | undefined;
    if (report?.header?.glibcVersionRuntime) return 'glibc';
    if (report?.sharedObjects?.some((file) => /ld-musl-|libc\.musl-/.test(file))) return 'musl';
  } catch {
    // A report can be unavailable (a runtime without process.report): fall through.
  }
  return fs.existsSync('/etc/alpine-release') ? 'musl' : 'glibc';
}

/** The platform, arch and libc prebuilds are matched against. */
export function target(): { platform: string; arch: string; libc: string } {
  const platform = process.env.npm_config_platform || os.platform();
  const arch = process.env.npm_config_arch || os.arch();
  return { platform, arch, libc: detectLibc(platform) };
}

/**
 * Throws ERR_NATIVE_PTY_UNSUPPORTED on a platform native-pty is not built for (Windows has no
 * POSIX pseudoterminals; ConPTY would be a backend of its own), before anything tries to load
 * a binary that cannot exist.
 */
export function assertSupportedPlatform(name: string): void {
  const { platform } = target();
  if (SUPPORTED_PLATFORMS.includes(platform)) return;
  const hint =
    platform === 'win32' ? ' On Windows, use node-pty (ConPTY), or run Node inside WSL, where native-pty works.' : '';
  const error = new Error(
    `${name}: ${platform} is not supported (native-pty runs on ${SUPPORTED_PLATFORMS.join(' and ')}).${hint}`,
  );
  (error as NodeJS.ErrnoException).code = 'ERR_NATIVE_PTY_UNSUPPORTED';
  throw error;
}

/**
 * Where the addon may be, in the order it is looked for: a build of this checkout
 * (build/Release, build/Debug; skipped with PREBUILDS_ONLY), then
 * prebuilds/<platform>-<arch>/<name>.<libc>.node, then the same beside the Node executable
 * (bundled apps). Only a file for this libc is ever a candidate.
 */
function addonCandidates(dir: string, name: string): string[] {
  const { platform, arch, libc } = target();
  const tuple = `${platform}-${arch}`;
  const candidates: string[] = [];
  if (!process.env.PREBUILDS_ONLY) {
    for (const kind of ['Release', 'Debug']) {
      candidates.push(path.join(dir, 'build', kind, `${name.replace(/-/g, '_')}.node`));
    }
  }
  for (const base of [dir, path.dirname(process.execPath)]) {
    candidates.push(path.join(base, 'prebuilds', tuple, libc ? `${name}.${libc}.node` : `${name}.node`));
  }
  return candidates;
}

/** The directory searched: $<NAME>_PREBUILD when set (node-gyp-build's variable), else the package. */
function searchDir(packageRoot: string, name: string): { dir: string; variable: string; overridden: boolean } {
  const variable = `${name.toUpperCase().replace(/-/g, '_')}_PREBUILD`;
  const override = process.env[variable];
  return { dir: override || packageRoot, variable, overridden: Boolean(override) };
}

/** The first of addonCandidates() that exists; throws when none does. */
export function resolveAddon(dir: string, name: string): string {
  const { platform, arch, libc } = target();
  const found = addonCandidates(dir, name).find((file) => fs.existsSync(file));
  if (found !== undefined) return found;
  throw new Error(
    `No native build was found for platform=${platform} arch=${arch}${libc ? ` libc=${libc}` : ''} ` +
      `node=${process.versions.node}`,
  );
}

/** The glibc version actually running, when Node can tell (undefined on musl and macOS). */
function runtimeGlibc(): string | undefined {
  try {
    const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } })
      ?.header;
    return header?.glibcVersionRuntime;
  } catch {
    return undefined;
  }
}

function listNodeFiles(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((name) => name.endsWith('.node'));
  } catch {
    return [];
  }
}

/** Every prebuild the package carries, as 'linux-x64/native-pty.glibc.node'. */
function shippedPrebuilds(dir: string): string[] {
  const root = path.join(dir, 'prebuilds');
  let tuples: string[];
  try {
    tuples = fs.readdirSync(root);
  } catch {
    return [];
  }
  return tuples.flatMap((tuple) =>
    listNodeFiles(path.join(root, tuple)).map((file) => `${tuple}/${file}`),
  );
}

/** The command that builds the addon where it is installed. */
function buildCommand(packageRoot: string, name: string): string {
  const installed = packageRoot.split(path.sep).includes('node_modules');
  if (!installed) return `npm run build:native   (in ${packageRoot})`;
  // `npm explore ... npm run` is an explicit run-script, so npm 11's allowScripts policy (which
  // may have kept our install script from running, and also gates `npm rebuild`) does not
  // apply. npm's own node-gyp is on PATH inside `npm run`.
  return (
    `npm explore ${name} -- npm run build:native\n` +
    `  or, where ${name}'s install script is allowed (npm install-scripts approve ${name}):\n` +
    `    npm rebuild ${name} --build-from-source`
  );
}

function describeFailure(
  packageRoot: string,
  name: string,
  headline: string,
  cause: unknown,
): Error {
  const { platform, arch, libc } = target();
  const { dir, variable, overridden } = searchDir(packageRoot, name);
  const tuple = `${platform}-${arch}`;
  const tried = addonCandidates(dir, name);

  const glibc = libc === 'glibc' ? runtimeGlibc() : undefined;
  const libcText = libc ? `, libc ${libc}${glibc ? ` ${glibc}` : ''}` : '';
  const shipped = shippedPrebuilds(dir);
  const reason = cause instanceof Error ? cause.message.trim() : String(cause);

  const lines = [
    `${name}: ${headline}`,
    `  looked for: ${tuple}${libcText}, Node-API ${ADDON_NAPI_VERSION} ` +
      `(this Node ${process.versions.node} offers Node-API ${process.versions.napi ?? 'unknown'})`,
    `  paths tried:`,
    ...tried.map((p) => `    ${p}`),
    `  prebuilds in this package: ${shipped.length ? shipped.join(', ') : 'none'}`,
    ...(overridden ? [`  (directory taken from ${variable})`] : []),
    `  reason: ${reason.split('\n')[0]}`,
    `To build from source (needs a C++17 compiler, make and Python 3):`,
    `  ${buildCommand(packageRoot, name)}`,
  ];
  const error = new Error(lines.join('\n'), { cause });
  (error as NodeJS.ErrnoException).code = 'ERR_NATIVE_PTY_LOAD';
  return error;
}

/**
 * NATIVE_PTY_ADDON=/abs/path/to/file.node loads exactly that file and nothing else, e.g. the
 * sanitizer build (scripts/asan). No fallback: a run meant to test a special build must fail
 * loudly rather than quietly test the regular one.
 */
function loadOverride<T>(require: NodeJS.Require, name: string): { addon: T } | undefined {
  const variable = `${name.toUpperCase().replace(/-/g, '_')}_ADDON`;
  const file = process.env[variable];
  if (file === undefined || file === '') return undefined;
  let error: Error;
  if (!path.isAbsolute(file)) {
    error = new Error(`${name}: ${variable} must be an absolute path to a .node file, got ${JSON.stringify(file)}`);
  } else {
    try {
      return { addon: require(file) as T };
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message.trim().split('\n')[0] : String(cause);
      error = new Error(`${name}: cannot load ${file} (from ${variable}): ${reason}`, { cause });
    }
  }
  (error as NodeJS.ErrnoException).code = 'ERR_NATIVE_PTY_LOAD';
  throw error;
}

/**
 * Loads the addon for the package at `packageRoot`: a local build/Release first, then a prebuild
 * matching platform, arch and libc. No install step is needed for a prebuild to be found.
 */
export function loadAddon<T>(packageRoot: string, name: string): T {
  assertSupportedPlatform(name);
  const require = createRequire(path.join(packageRoot, 'package.json'));
  const offered = Number(process.versions.napi);
  if (offered && offered < ADDON_NAPI_VERSION) {
    throw describeFailure(
      packageRoot,
      name,
      `this Node offers Node-API ${offered}, the addon needs ${ADDON_NAPI_VERSION}`,
      new Error('Node-API version too old; use Node 20 or newer'),
    );
  }
  const override = loadOverride<T>(require, name);
  if (override !== undefined) return override.addon;
  let file: string;
  try {
    file = resolveAddon(searchDir(packageRoot, name).dir, name);
  } catch (cause) {
    throw describeFailure(packageRoot, name, 'no native build matches this platform', cause);
  }
  try {
    return require(file) as T;
  } catch (cause) {
    throw describeFailure(packageRoot, name, `found ${file} but could not load it`, cause);
  }
}
