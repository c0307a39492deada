/**
 * vt-pipe against its targets (FORWARDER.md), in one run, as ratios where wall clock counts:
 *
 *   npx tsx bench/forwarder.ts [--quick]
 *
 * - binary size: the stripped executable, beside dtach's and abduco's from Debian when they
 *   are installed (apt-get install dtach abduco);
 * - RSS with one client attached, after 64 MiB of output have gone through the session;
 * - start to exec: from spawning vt-pipe to the command's first instruction (`date +%s%N` as
 *   the command, against the same `date` spawned directly: the difference is vt-pipe's);
 * - throughput: `cat` of 64 MiB to the local terminal (a NativePty plays it) with one client
 *   attached, against the same `cat` on a NativePty, in the same run, median of rounds; every
 *   byte checked in the record and at the client. dtach in the same rounds when installed: its
 *   master runs the same `cat` and one `dtach -a` relays it to a NativePty, the same two pty
 *   hops as vt-pipe's local terminal (without a record or a second client).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativePty } from '../src/index.js';
import { ForwardedSession, startSession, vtPipePath } from '../src/forwarder/index.js';
import { ensureDataFile, MiB } from './lib/fixtures.js';
import { median } from './lib/stats.js';

const QUICK = process.argv.includes('--quick');
const SIZE = (QUICK ? 8 : 64) * MiB;
const ROUNDS = QUICK ? 1 : 5;
const STARTS = QUICK ? 10 : 50;
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const dataFile = ensureDataFile(path.join(benchDir, '.cache'), SIZE);
const dataSha = createHash('sha256').update(readFileSync(dataFile)).digest('hex');
const VT_PIPE = vtPipePath();
const scratch = mkdtempSync(path.join(tmpdir(), 'vt-pipe-bench-'));
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function which(name: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function strippedSize(file: string): number {
  const copy = path.join(scratch, `stripped-${path.basename(file)}`);
  execFileSync('strip', ['-o', copy, file]);
  return statSync(copy).size;
}

function rssKiB(pid: number): number {
  return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

/** Runs `file args` on a NativePty to the end; resolves with the bytes and the wall time. */
function runOnPty(file: string, args: string[]): Promise<{ bytes: Buffer; ms: number }> {
  const started = performance.now();
  const pty = new NativePty(file, args, { encoding: null, delivery: 'wake' });
  const chunks: Buffer[] = [];
  pty.on('data', (d: Buffer) => chunks.push(d));
  return new Promise((resolve) => pty.on('exit', () => resolve({ bytes: Buffer.concat(chunks), ms: performance.now() - started })));
}

/** The same `cat` through dtach: MB/s from "go" to the last byte at the viewer, and whether all arrived exactly. */
async function dtachThroughput(dtach: string, round: number): Promise<{ mbps: number; exact: boolean }> {
  const socket = path.join(scratch, `dtach-t${round}.sock`);
  execFileSync(dtach, ['-n', socket, '-Ez', 'sh', '-c', `stty raw -echo; read -r go; cat '${dataFile}'`]);
  const viewer = new NativePty(dtach, ['-a', socket, '-Ez', '-r', 'none'], { encoding: null, delivery: 'wake' });
  const chunks: Buffer[] = [];
  let bytes = 0;
  let lastAt = 0;
  viewer.on('data', (d: Buffer) => {
    chunks.push(d);
    bytes += d.length;
    lastAt = performance.now();
  });
  const done = new Promise((resolve) => viewer.on('exit', resolve));
  await new Promise((r) => setTimeout(r, 200));
  const goAt = performance.now();
  viewer.write('go\n');
  await done;
  // dtach writes its own words around the output ("[EOF - dtach terminating]"): find the data.
  const all = Buffer.concat(chunks);
  const data = readFileSync(dataFile);
  const at = all.indexOf(data.subarray(0, 64));
  const exact = at >= 0 && sha(all.subarray(at, at + SIZE)) === dataSha;
  return { mbps: SIZE / MiB / ((lastAt - goAt) / 1000), exact: exact && bytes >= SIZE };
}

async function throughputRound(round: number): Promise<{ direct: number; forwarded: number; exact: boolean }> {
  const cat = ['sh', '-c', `stty raw -echo; cat '${dataFile}'`];
  const direct = await runOnPty(cat[0]!, cat.slice(1));
  // The same cat through vt-pipe, with a client attached from the start.
  const id = `t${round}`;
  // R says the terminal is raw and silent: 'go' typed before that would be echoed.
  const script = `stty raw -echo; printf R; read -r go; cat '${dataFile}'`;
  const local = new NativePty(VT_PIPE, ['--control-dir', scratch, '--session-id', id, '--', 'sh', '-c', script], { encoding: null, delivery: 'wake' });
  const localChunks: Buffer[] = [];
  local.on('data', (d: Buffer) => localChunks.push(d));
  while (localChunks.length === 0) await new Promise((r) => setTimeout(r, 2));
  const localDone = new Promise<number>((resolve) => local.on('exit', () => resolve(performance.now())));
  const dir = path.join(scratch, id);
  const client = await ForwardedSession.attach(dir, { encoding: null });
  const clientChunks: Buffer[] = [];
  client.on('data', (d: Buffer) => clientChunks.push(d));
  const clientDone = new Promise((resolve) => client.on('exit', resolve));
  const goAt = performance.now();
  local.write('go\n');
  const end = await localDone;
  await clientDone;
  const record = readFileSync(path.join(dir, 'output.raw'));
  const afterR = (b: Buffer): string => (b[0] === 0x52 ? sha(b.subarray(1)) : 'no R first');
  const exact =
    sha(direct.bytes) === dataSha &&
    afterR(Buffer.concat(localChunks)) === dataSha &&
    afterR(record) === dataSha &&
    afterR(Buffer.concat(clientChunks)) === dataSha;
  return { direct: SIZE / MiB / (direct.ms / 1000), forwarded: SIZE / MiB / ((end - goAt) / 1000), exact };
}

async function startToExec(): Promise<{ direct: number; forwarded: number }> {
  const direct: number[] = [];
  const forwarded: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    for (const via of ['direct', 'vt-pipe'] as const) {
      // The wall clock on both sides (date prints it): milliseconds here, the median evens it out.
      const before = BigInt(Date.now()) * 1_000_000n;
      const id = `start${i}`;
      const args = via === 'direct' ? ['date', ['+%s%N']] as const : [VT_PIPE, ['--control-dir', scratch, '--session-id', id, '--headless', '--', 'date', '+%s%N']] as const;
      const r = spawnSync(args[0], [...args[1]], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      // Headless vt-pipe prints nothing: the command's output is in its record.
      const text = via === 'direct' ? r.stdout : readFileSync(path.join(scratch, id, 'output.raw'), 'utf8');
      const at = BigInt(text.trim());
      (via === 'direct' ? direct : forwarded).push(Number(at - before) / 1e6);
    }
  }
  return { direct: median(direct), forwarded: median(forwarded) };
}

async function rssWithClient(): Promise<number> {
  const s = await startSession('sh', ['-c', `stty raw -echo; cat '${dataFile}'; read -r done`], { controlDir: scratch });
  const client = await ForwardedSession.attach(s.dir, { encoding: null });
  let bytes = 0;
  client.on('data', (d: Buffer) => (bytes += d.length));
  while (bytes < SIZE) await new Promise((r) => setTimeout(r, 20));
  const rss = rssKiB(s.forwarderPid);
  client.write('x\n');
  await new Promise((resolve) => client.on('exit', resolve));
  return rss;
}

/** dtach's master with one client attached through a pty, after the same output. */
async function dtachRss(): Promise<number | null> {
  const dtach = which('dtach');
  if (dtach === null) return null;
  const socket = path.join(scratch, 'dtach.sock');
  // dtach keeps nothing for a client that is not there: the command waits for it.
  execFileSync(dtach, ['-n', socket, '-Ez', 'sh', '-c', `stty raw -echo; read -r go; cat '${dataFile}'; sleep 30`]);
  const master = Number(execFileSync('sh', ['-c', `pgrep -f -- '-n ${socket}' | head -1`], { encoding: 'utf8' }).trim());
  const viewer = new NativePty(dtach, ['-a', socket, '-Ez'], { encoding: null });
  let bytes = 0;
  viewer.on('data', (d: Buffer) => (bytes += d.length));
  await new Promise((r) => setTimeout(r, 200));
  viewer.write('go\n');
  while (bytes < SIZE) await new Promise((r) => setTimeout(r, 20));
  const rss = rssKiB(master);
  process.kill(master, 'SIGKILL');
  viewer.kill('SIGKILL');
  return rss;
}

// A hang here would hold CI: every wait above is on a real process; this bounds them all.
setTimeout(() => {
  console.error('bench/forwarder.ts: did not finish in 10 minutes');
  process.exit(1);
}, 600_000).unref();

const lines: string[] = [];
const say = (line: string): void => {
  lines.push(line);
  console.log(line);
};
say(`vt-pipe bench, ${new Date().toISOString()}${QUICK ? ' (quick)' : ''}: ${SIZE / MiB} MiB, ${ROUNDS} throughput rounds, ${STARTS} starts`);
const vtSize = statSync(VT_PIPE).size;
const peers = ['dtach', 'abduco'].map((name) => [name, which(name)] as const).filter((p): p is [string, string] => p[1] !== null);
say(`binary, stripped: vt-pipe ${(vtSize / 1024).toFixed(0)} KB (target <= 300)` + peers.map(([n, f]) => `, ${n} ${(strippedSize(f) / 1024).toFixed(0)} KB`).join(''));
const dtachKiB = await dtachRss();
say(
  `RSS with one client, after ${SIZE / MiB} MiB: ${(await rssWithClient() / 1024).toFixed(2)} MB (target <= 1.5)` +
    (dtachKiB === null ? '' : `, dtach ${(dtachKiB / 1024).toFixed(2)} MB`),
);
const start = await startToExec();
say(`start to exec, median: vt-pipe +${(start.forwarded - start.direct).toFixed(2)} ms over a direct spawn (${start.forwarded.toFixed(2)} vs ${start.direct.toFixed(2)} ms; target <= 5 ms)`);
const rounds = [];
const dtachRounds: Array<{ mbps: number; exact: boolean; ratio: number }> = [];
const dtach = which('dtach');
for (let r = 0; r < ROUNDS; r++) {
  const round = await throughputRound(r);
  rounds.push(round);
  if (dtach !== null) {
    const d = await dtachThroughput(dtach, r);
    dtachRounds.push({ ...d, ratio: d.mbps / round.direct });
  }
}
const ratios = rounds.map((r) => r.forwarded / r.direct);
say(
  `throughput, cat of ${SIZE / MiB} MiB: vt-pipe ${median(rounds.map((r) => r.forwarded)).toFixed(0)} MB/s, NativePty ${median(rounds.map((r) => r.direct)).toFixed(0)} MB/s, ` +
    `ratio median ${median(ratios).toFixed(2)} (${ratios.map((x) => x.toFixed(2)).join(', ')}; target >= 0.9); byte-exact everywhere ${rounds.filter((r) => r.exact).length}/${rounds.length}`,
);
if (dtachRounds.length > 0) {
  say(
    `throughput, the same cat through dtach to one viewer: ${median(dtachRounds.map((d) => d.mbps)).toFixed(0)} MB/s, ratio to NativePty median ` +
      `${median(dtachRounds.map((d) => d.ratio)).toFixed(2)} (${dtachRounds.map((d) => d.ratio.toFixed(2)).join(', ')}); exact at the viewer ${dtachRounds.filter((d) => d.exact).length}/${dtachRounds.length}`,
  );
}
rmSync(scratch, { recursive: true, force: true });
