/**
 * The table (value and ratio against node-pty, per implementation) and the issue's targets,
 * met or missed, from the collected results.
 */
import type { Impl } from './impl.js';

/** What one workload process gave for one implementation. */
export interface Cell {
  status: 'ok' | 'error' | 'skipped' | 'n/a';
  data?: Record<string, any>;
  error?: string;
}
export type Results = Record<string, Partial<Record<Impl, Cell>>>;

export const COLUMNS: ReadonlyArray<{ impl: Impl; title: string }> = [
  { impl: 'c', title: 'C forkpty' },
  { impl: 'native-poll', title: 'native poll' },
  { impl: 'native-wake', title: 'native wake' },
  { impl: 'node-pty', title: 'node-pty 1.1.0' },
];

interface Metric {
  workload: string;
  label: string;
  get(d: Record<string, any>): number | string | null | undefined;
  digits?: number;
  /** Show value/node-pty next to numbers. */
  ratio?: boolean;
  /** What of node-pty's result the ratio is taken against, when not the same figure. */
  reference?(d: Record<string, any>): number | null | undefined;
}

const fraction = (n: unknown, of: unknown) => (typeof n === 'number' && typeof of === 'number' ? `${n}/${of}` : null);

export const METRICS: readonly Metric[] = [
  { workload: 'throughput', label: 'MB/s, median (spawn to exit)', get: (d) => d.medianMbps, digits: 0, ratio: true },
  { workload: 'throughput', label: 'Buffers (encoding: null, activity: false), MB/s', get: (d) => d.buffers?.medianMbps, digits: 0, ratio: true, reference: (d) => d.buffers?.medianMbps },
  { workload: 'throughput', label: 'ratio to C reader, median of rounds', get: (d) => d.paired?.vsC?.median, digits: 2 },
  { workload: 'throughput', label: 'ratio to node-pty, median of rounds', get: (d) => d.paired?.vsNodePty?.median, digits: 2 },
  { workload: 'throughput', label: 'Buffers: ratio to C reader / to node-pty', get: (d) => (d.paired?.buffersVsC ? `${d.paired.buffersVsC.median.toFixed(2)} / ${d.paired.buffersVsNodePty?.median.toFixed(2) ?? '—'}` : null) },
  {
    workload: 'throughput',
    label: 'ratio to the C reader beside each run, median: defaults / Buffers',
    get: (d) => (d.besideC ? `${d.besideC.ratio.toFixed(2)} / ${d.buffers?.besideC?.ratio.toFixed(2) ?? '—'}` : null),
  },
  {
    workload: 'throughput',
    label: '… that C reader, MB/s (median)',
    get: (d) => (d.cReaderError ? `failed: ${String(d.cReaderError).slice(0, 40)}` : d.besideC?.cMbps),
    digits: 0,
  },
  { workload: 'throughput', label: 'byte-exact runs', get: (d) => fraction(d.exactRuns, d.runs?.length) },
  { workload: 'throughput', label: 'CPU ms per MB (whole process)', get: (d) => d.cpuMsPerMb, digits: 2, ratio: true },
  { workload: 'throughput', label: '… of which the main thread', get: (d) => d.mainThreadCpuMsPerMb, digits: 2, ratio: true },
  {
    workload: 'throughput',
    label: 'main thread page faults per MB, each run (text / Buffers)',
    get: (d) => (d.mainThreadFaultsPerMb ? `${d.mainThreadFaultsPerMb.join(' ')} / ${d.buffers?.mainThreadFaultsPerMb?.join(' ') ?? '—'}` : null),
  },
  { workload: 'throughput', label: 'Buffers: CPU ms per MB / main thread', get: (d) => (d.buffers?.cpuMsPerMb ? `${d.buffers.cpuMsPerMb.toFixed(2)} / ${d.buffers.mainThreadCpuMsPerMb?.toFixed(2) ?? '—'}` : null) },
  { workload: 'throughput', label: 'CPU per MB to C reader\'s, median of rounds', get: (d) => (d.paired?.cpuVsC ? `${d.paired.cpuVsC.median.toFixed(2)} (Buffers ${d.paired.buffersCpuVsC?.median.toFixed(2) ?? '—'})` : null) },
  {
    workload: 'throughput',
    label: 'CPU per MB to the C reader\'s beside each run: defaults / Buffers',
    get: (d) => (d.besideC ? `${d.besideC.cpuRatio.toFixed(2)} / ${d.buffers?.besideC?.cpuRatio.toFixed(2) ?? '—'}` : null),
  },
  { workload: 'throughput', label: 'event-loop delay p99, ms', get: (d) => d.eventLoopDelayMs?.p99, digits: 1, ratio: true },
  { workload: 'throughput', label: 'event-loop delay max, ms', get: (d) => d.eventLoopDelayMs?.max, digits: 1, ratio: true },
  { workload: 'latency', label: 'echo p50, µs', get: (d) => d.us?.p50, digits: 0, ratio: true },
  { workload: 'latency', label: 'echo p90, µs', get: (d) => d.us?.p90, digits: 0, ratio: true },
  { workload: 'latency', label: 'echo p99, µs', get: (d) => d.us?.p99, digits: 0, ratio: true },
  { workload: 'latency', label: 'echo max, µs', get: (d) => d.us?.max, digits: 0, ratio: true },
  { workload: 'latency', label: 'control: setInterval(poll interval) gap p99, ms', get: (d) => d.controlTimerGapMs?.p99, digits: 1 },
  { workload: 'spawn', label: 'spawn→exit mean, ms', get: (d) => d.totalMs?.mean, digits: 2, ratio: true },
  { workload: 'spawn', label: 'spawn→exit p99, ms', get: (d) => d.totalMs?.p99, digits: 2, ratio: true },
  { workload: 'spawn', label: 'spawn call blocks, mean µs', get: (d) => d.callUs?.mean, digits: 0, ratio: true },
  { workload: 'spawn', label: 'spawn call blocks, p99 µs', get: (d) => d.callUs?.p99, digits: 0, ratio: true },
  { workload: 'spawn', label: 'N at once, wall ms (median)', get: (d) => d.medianConcurrentWallMs, digits: 1, ratio: true },
  { workload: 'spawn', label: 'failures', get: (d) => d.failures },
  { workload: 'idle', label: 'sessions', get: (d) => d.sessions },
  { workload: 'idle', label: 'CPU, % of one core', get: (d) => d.cpuPercent, digits: 2, ratio: true },
  { workload: 'idle', label: 'RSS per session, KiB', get: (d) => d.rssPerSessionKiB, digits: 1, ratio: true },
  { workload: 'idle', label: 'threads: Node alone → 1 session → all', get: (d) => (d.before ? `${d.bare.threads} → ${d.before.threads} → ${d.during.threads}` : null) },
  { workload: 'idle', label: 'fds (before → with sessions)', get: (d) => (d.before ? `${d.before.fds} → ${d.during.fds}` : null) },
  { workload: 'idle', label: 'exits received after kill', get: (d) => fraction(d.exitsReceived, d.sessions) },
  { workload: 'idle', label: 'time until every exit, ms', get: (d) => d.allExitedMs, digits: 0, ratio: true },
  { workload: 'integrity', label: 'sessions received exactly (sha256)', get: (d) => fraction(d.exact, d.sessions) },
  { workload: 'integrity', label: 'sessions with data after exit', get: (d) => d.dataAfterExit },
  { workload: 'integrity', label: 'wall ms until every exit', get: (d) => d.allExitedMs, digits: 0, ratio: true },
  { workload: 'exit-race', label: 'runs that lost bytes at exit', get: (d) => fraction(d.normal?.lost, d.normal?.runs) },
  { workload: 'exit-race', label: '… of which arrived after exit', get: (d) => d.normal?.late },
  { workload: 'exit-race', label: 'busy loop: runs that lost bytes', get: (d) => (d.busy ? fraction(d.busy.lost, d.busy.runs) : null) },
  { workload: 'activity', label: 'MB/s detection on / off', get: (d) => (d.supported ? `${d.on.medianMbps.toFixed(0)} / ${d.off.medianMbps.toFixed(0)}` : 'n/a') },
  { workload: 'activity', label: 'throughput cost of detection, % (median of pairs)', get: (d) => (d.supported ? d.costPercent : 'n/a'), digits: 1 },
  { workload: 'activity', label: 'main-thread CPU ms per MB on / off', get: (d) => (d.supported ? `${d.on.mainThreadCpuMsPerMb.toFixed(2)} / ${d.off.mainThreadCpuMsPerMb.toFixed(2)}` : 'n/a') },
];

/** Without `digits`, a count: printed as it is. */
function format(value: number | string | null | undefined, digits?: number): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return '—';
  return digits === undefined ? String(value) : value.toFixed(digits);
}

function cellText(results: Results, metric: Metric, impl: Impl): string {
  const cell = results[metric.workload]?.[impl];
  if (cell === undefined) return '';
  if (cell.status !== 'ok' || cell.data === undefined) return cell.status;
  const value = metric.get(cell.data);
  let text = format(value, metric.digits);
  if (metric.ratio && impl !== 'node-pty' && typeof value === 'number') {
    const base = results[metric.workload]?.['node-pty'];
    const ref = base?.status === 'ok' && base.data ? (metric.reference ?? metric.get)(base.data) : undefined;
    if (typeof ref === 'number' && ref > 0 && Number.isFinite(value)) text += ` (${(value / ref).toFixed(2)}×)`;
  }
  return text;
}

/** 'N at once' names its N, which differs between full and quick mode. */
function labelOf(results: Results, metric: Metric): string {
  if (!metric.label.startsWith('N at once')) return metric.label;
  const n = COLUMNS.map((c) => results.spawn?.[c.impl]?.data?.concurrent).find((v) => typeof v === 'number');
  return n === undefined ? metric.label : metric.label.replace('N', String(n));
}

/**
 * One row per metric; with several runs' results, each cell lists the runs' values side by
 * side ("a · b"), so the spread between runs is visible.
 */
export function tableRows(...runs: Results[]): string[][] {
  const rows: string[][] = [];
  const first = runs[0]!;
  for (const metric of METRICS) {
    if (runs.every((r) => r[metric.workload] === undefined)) continue;
    const cells = COLUMNS.map((c) => {
      const texts = runs.map((r) => cellText(r, metric, c.impl) || '—');
      // The same in every run (a count, 'n/a', '—'): once is enough.
      return texts.every((t) => t === texts[0]) ? texts[0]! : texts.join(' · ');
    });
    const row = [metric.workload, labelOf(first, metric), ...cells];
    if (row.slice(2).some((t) => t !== '—')) rows.push(row);
  }
  return rows;
}

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function plainTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function tableHeader(): string[] {
  return ['workload', 'metric', ...COLUMNS.map((c) => c.title)];
}

export interface TargetCheck {
  target: string;
  impl: Impl;
  /** What was measured, against what. */
  detail: string;
  /** null: could not be judged (a result missing, or the feature absent). */
  met: boolean | null;
}

function data(results: Results, workload: string, impl: Impl): Record<string, any> | undefined {
  const cell = results[workload]?.[impl];
  return cell?.status === 'ok' ? cell.data : undefined;
}

const NATIVE: readonly Impl[] = ['native-poll', 'native-wake'];

/** The issue's targets. `pollInterval` is NativePty's default (the workloads use the default). */
export function checkTargets(results: Results, pollInterval: number): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const add = (target: string, impl: Impl, detail: string, met: boolean | null) => checks.push({ target, impl, detail, met });
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

  const cTp = num(data(results, 'throughput', 'c')?.medianMbps);
  const nodeTp = num(data(results, 'throughput', 'node-pty')?.medianMbps);
  for (const impl of NATIVE) {
    const d = data(results, 'throughput', impl);
    const tp = num(d?.medianMbps);
    // Against the C reader: judged on the median of the ratios to its runs just before and after
    // each run when the workload made them, else on the median of per-round ratios (the runner's
    // C run of the round); both are shown. Either is steadier than a ratio of medians.
    const vsNode = num(d?.paired?.vsNodePty?.median);
    const bufTp = num(d?.buffers?.medianMbps);
    const againstC = (beside: unknown, rounds: unknown, mbps: number | null): { value: number | null; detail: string } => {
      const b = num(beside);
      const r = num(rounds);
      const byRounds = `by rounds ${format(r, 2)}× (${format(mbps, 0)} vs ${format(cTp, 0)} MB/s)`;
      return b !== null ? { value: b, detail: `${format(b, 2)}× beside each run; ${byRounds}` } : { value: r, detail: byRounds };
    };
    const bufC = againstC(d?.buffers?.besideC?.ratio, d?.paired?.buffersVsC?.median, bufTp);
    const vsC = againstC(d?.besideC?.ratio, d?.paired?.vsC?.median, tp);
    const bufCpu = num(d?.buffers?.besideC?.cpuRatio) ?? num(d?.paired?.buffersCpuVsC?.median);
    add('Buffers throughput ≥ 0.95× C reader', impl, bufC.detail, bufC.value !== null ? bufC.value >= 0.95 : null);
    add('default throughput ≥ 0.9× C reader', impl, vsC.detail, vsC.value !== null ? vsC.value >= 0.9 : null);
    add('Buffers: CPU per MB ≤ 1.3× C reader\'s', impl, `${format(bufCpu, 2)}×`, bufCpu !== null ? bufCpu <= 1.3 : null);
    add('throughput ≥ node-pty', impl, `${format(vsNode, 2)}× (${format(tp, 0)} vs ${format(nodeTp, 0)} MB/s)`, vsNode !== null ? vsNode >= 1 : null);
    const bufExact = d?.buffers ? d.buffers.exactRuns === d.buffers.runs.length : true;
    add('every throughput run byte-exact', impl, d ? `${d.exactRuns}/${d.runs.length}${d.buffers ? `, Buffers ${d.buffers.exactRuns}/${d.buffers.runs.length}` : ''}` : '—', d ? d.exactRuns === d.runs.length && d.runs.length > 0 && bufExact : null);
  }

  const wakeP50 = num(data(results, 'latency', 'native-wake')?.us?.p50);
  const nodeP50 = num(data(results, 'latency', 'node-pty')?.us?.p50);
  add('echo p50 ≤ node-pty', 'native-wake', `${format(wakeP50, 0)} vs ${format(nodeP50, 0)} µs`, wakeP50 !== null && nodeP50 !== null ? wakeP50 <= nodeP50 : null);
  const pollP99 = num(data(results, 'latency', 'native-poll')?.us?.p99);
  const limitUs = (pollInterval + 1) * 1000;
  add(`echo p99 ≤ poll interval + 1 ms`, 'native-poll', `${format(pollP99, 0)} vs ${limitUs} µs`, pollP99 !== null ? pollP99 <= limitUs : null);

  const wakeSpawn = num(data(results, 'spawn', 'native-wake')?.totalMs?.mean);
  const nodeSpawn = num(data(results, 'spawn', 'node-pty')?.totalMs?.mean);
  add('spawn→exit mean ≤ node-pty', 'native-wake', `${format(wakeSpawn, 2)} vs ${format(nodeSpawn, 2)} ms`, wakeSpawn !== null && nodeSpawn !== null ? wakeSpawn <= nodeSpawn : null);
  const nodeWall = num(data(results, 'spawn', 'node-pty')?.medianConcurrentWallMs);
  for (const impl of NATIVE) {
    const wall = num(data(results, 'spawn', impl)?.medianConcurrentWallMs);
    add('N spawns at once ≤ 0.6× node-pty wall time', impl, `${format(wall, 1)} vs 0.6 × ${format(nodeWall, 1)} ms`, wall !== null && nodeWall !== null ? wall <= 0.6 * nodeWall : null);
  }

  for (const impl of NATIVE) {
    const d = data(results, 'idle', impl);
    const threads = num(d?.during?.threads);
    add('idle: ≤ 8 threads in total', impl, `${format(threads, 0)} threads with ${d?.sessions ?? '—'} sessions`, threads !== null ? threads <= 8 : null);
    const rss = num(d?.rssPerSessionKiB);
    add('idle: RSS per session ≤ 16 KiB', impl, `${format(rss, 1)} KiB`, rss !== null ? rss <= 16 : null);
    if (impl === 'native-poll') {
      const cpu = num(d?.cpuPercent);
      add('idle: CPU ≤ 1% of a core', impl, `${format(cpu, 2)} %`, cpu !== null ? cpu <= 1 : null);
    }
    const allExits = d ? d.exitsReceived === d.sessions : null;
    add('idle: every exit arrives after kill', impl, d ? `${d.exitsReceived}/${d.sessions}` : '—', allExits);
  }

  for (const impl of NATIVE) {
    const d = data(results, 'integrity', impl);
    add('integrity: all sessions exact, none with data after exit', impl, d ? `${d.exact}/${d.sessions} exact, ${d.dataAfterExit} after exit` : '—', d ? d.exact === d.sessions && d.dataAfterExit === 0 : null);
    const e = data(results, 'exit-race', impl);
    add('exit race: no run loses bytes', impl, e ? `${e.normal.lost}/${e.normal.runs}` : '—', e ? e.normal.lost === 0 && e.normal.runs > 0 : null);
  }

  for (const impl of NATIVE) {
    const d = data(results, 'activity', impl);
    if (results.activity?.[impl]?.status === 'n/a') {
      add('activity detection costs < 3% of throughput', impl, 'n/a (no activity detection yet)', null);
      continue;
    }
    const cost = num(d?.costPercent);
    add('activity detection costs < 3% of throughput', impl, `${format(cost, 1)} %`, cost !== null ? cost < 3 : null);
  }
  return checks;
}
