/**
 * Each workload is bundled into one plain CommonJS file before it runs, so that it runs in a
 * bare `node` process. Under `node --import tsx` the TypeScript loader runs on its own thread
 * with its own heap: +6 threads and about +30 MB RSS before the first session, which would
 * count against the library in the idle workload (threads, RSS per session, CPU). CommonJS
 * rather than ESM because Node's ESM loader reads files through the libuv thread pool, which
 * starts 4 more threads in every ESM program: those belong to Node, not to the library, so the
 * baseline is kept at Node's own 7.
 *
 * esbuild is the one tsup (a devDependency) builds the package with; it is resolved from tsup so
 * that no dependency of its own is needed.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

type EsbuildModule = typeof import('esbuild');

function loadEsbuild(repoRoot: string): EsbuildModule {
  const fromRoot = createRequire(path.join(repoRoot, 'package.json'));
  const fromTsup = createRequire(fromRoot.resolve('tsup'));
  return fromTsup('esbuild') as EsbuildModule;
}

/** Bundles bench/workloads/<name>.ts to bench/.cache/workloads/<name>.cjs; returns the paths. */
export async function bundleWorkloads(repoRoot: string, names: readonly string[], outDir: string): Promise<Map<string, string>> {
  const esbuild = loadEsbuild(repoRoot);
  fs.mkdirSync(outDir, { recursive: true });
  const ownFiles = new RegExp(`^${repoRoot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(src|bench)/.*\\.ts$`);
  const out = new Map<string, string>();
  for (const name of names) {
    const outfile = path.join(outDir, `${name}.cjs`);
    await esbuild.build({
      entryPoints: [path.join(repoRoot, 'bench', 'workloads', `${name}.ts`)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // node-pty and node-gyp-build are loaded at run time, as users load them.
      external: ['node-pty', 'node-gyp-build'],
      logLevel: 'error',
      plugins: [
        {
          // src/native.ts finds the addon relative to its own file: every module must see its
          // own location in import.meta.url, not the bundle's.
          name: 'keep-import-meta-url',
          setup(build) {
            build.onLoad({ filter: /\.ts$/ }, (args) => {
              if (!ownFiles.test(args.path)) return undefined;
              const text = fs.readFileSync(args.path, 'utf8');
              const url = JSON.stringify(pathToFileURL(args.path).href);
              return { contents: text.replace(/\bimport\.meta\.url\b/g, url), loader: 'ts' };
            });
          },
        },
      ],
    });
    out.set(name, outfile);
  }
  return out;
}
