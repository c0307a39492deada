/**
 * tsx bench/table.ts bench/results/A.json [B.json …]
 *
 * Prints the Markdown table of one or more full runs, each cell listing the runs' values side
 * by side, and each run's targets: what the README's Performance section is made from.
 */
import fs from 'node:fs';

import { checkTargets, markdownTable, tableHeader, tableRows, type Results, type TargetCheck } from './lib/report.js';
import { addPairedRatios } from './lib/throughput-summary.js';

interface Saved {
  meta: { date: string; mode: string; loadavgAtStart: number[]; loadavgAtEnd?: number[]; totalS?: number; git?: { commit: string | null } };
  results: Results;
  targets: TargetCheck[];
}

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: tsx bench/table.ts bench/results/<run>.json [more runs…]\n');
  process.exit(2);
}
const runs = files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as Saved);
// Result files written before paired ratios existed get them here; for newer ones it is a no-op.
for (const run of runs) if (run.results.throughput) addPairedRatios(run.results.throughput);
const out: string[] = [];
for (const [i, run] of runs.entries()) {
  const m = run.meta;
  out.push(`Run ${i + 1}: ${m.date}, ${m.mode} mode, commit ${m.git?.commit ?? '?'}, load average ${m.loadavgAtStart.join(' ')} at start${m.loadavgAtEnd ? `, ${m.loadavgAtEnd.join(' ')} at end` : ''}${m.totalS ? `, ${m.totalS.toFixed(0)} s` : ''}`);
}
out.push('');
out.push(markdownTable(tableHeader(), tableRows(...runs.map((r) => r.results))));
for (const [i, run] of runs.entries()) {
  // Recomputed, so that a table made from older result files uses today's target rules.
  const targets = run.meta.mode === 'full' ? checkTargets(run.results, 10) : [];
  out.push('');
  out.push(`Targets, run ${i + 1}:`);
  for (const t of targets) out.push(`- ${t.met === null ? 'n/a' : t.met ? 'met' : '**missed**'}: ${t.target} [${t.impl}]: ${t.detail}`);
}
process.stdout.write(out.join('\n') + '\n');
