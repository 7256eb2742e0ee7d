import { median } from './util';

// Turns the runs into the printed table, the PASS/MISS summary and the JSON record.

export interface Run {
  /** cli: the command-line peer (Node) sending to the receiving Chromium. */
  kind: 'raw' | 'app' | 'cli';
  warmup: boolean;
  sizeMiB: number;
  bytes: number;
  error?: string;
  elapsedMs?: number;
  /** App only: receiver opens the link → receiver shows done. */
  linkToDoneMs?: number;
  /** 1 MB = 1e6 bytes. */
  mbPerS?: number;
  rssStartMiB?: number;
  rssPeakMiB?: number;
  channelOpenMs?: number | null;
  hashOk?: boolean;
  /** CPU taken by processes outside the bench during the run, % of all cores. */
  otherCpuPercent?: number;
}

export const TARGETS = { ratio: 0.9, rssGrowthMiB: 100, channelOpenMs: 1000 };
/** Above this much foreign CPU load during a run, its rate says more about the machine than the code. */
const DISTURBED_PERCENT = 10;

const fixed = (n: number | null | undefined, digits = 1) => (n === null || n === undefined ? 'n/a' : n.toFixed(digits));

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const left = (col: number) => col < 2 || col === widths.length - 1;
  const line = (row: string[]) => row.map((cell, col) => (left(col) ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

const measured = (runs: Run[], kind: Run['kind']) => runs.filter((r) => r.kind === kind && !r.warmup);
const rawRate = (runs: Run[], sizeMiB: number) => measured(runs, 'raw').find((r) => r.sizeMiB === sizeMiB)?.mbPerS;

export function runTable(runs: Run[]): string {
  const header = ['run', 'size', 'time s', 'MB/s', 'app/raw', 'RSS start MiB', 'RSS peak MiB', 'channel-open ms', 'hash', 'other CPU %', 'note'];
  const rows = runs.map((r) => {
    const raw = rawRate(runs, r.sizeMiB);
    const ratio = r.kind !== 'raw' && !r.warmup && r.mbPerS && raw ? fixed(r.mbPerS / raw, 2) : '';
    const hash = r.kind === 'raw' ? '' : r.hashOk === undefined ? '' : r.hashOk ? 'ok' : 'MISMATCH';
    const name = `${r.kind === 'cli' ? 'cli→chromium' : r.kind}${r.warmup ? ' (warm-up)' : ''}`;
    if (r.error) return [name, `${r.sizeMiB} MiB`, 'FAILED', '', '', '', '', '', '', '', r.error.split('\n')[0]!.slice(0, 100)];
    const open = r.kind !== 'raw' ? fixed(r.channelOpenMs, 0) : '';
    return [name, `${r.sizeMiB} MiB`, fixed(r.elapsedMs! / 1000, 2), fixed(r.mbPerS), ratio, fixed(r.rssStartMiB, 0), fixed(r.rssPeakMiB, 0), open, hash, fixed(r.otherCpuPercent, 0), ''];
  });
  return table([header, ...rows]);
}

export interface Summary {
  lines: string[];
  failed: boolean;
  ratios: { sizeMiB: number; ratio: number | null }[];
  rssGrowthMiB: number | null;
  channelOpenMedianMs: number | null;
}

const verdict = (ok: boolean | null) => (ok === null ? 'n/a ' : ok ? 'PASS' : 'MISS');

export function summarize(runs: Run[]): Summary {
  const app = measured(runs, 'app').filter((r) => !r.error);
  const lines: string[] = [];
  const ratios = [...new Set(measured(runs, 'app').map((r) => r.sizeMiB))].map((sizeMiB) => {
    const rate = app.find((r) => r.sizeMiB === sizeMiB)?.mbPerS;
    const raw = rawRate(runs, sizeMiB);
    const ratio = rate && raw ? rate / raw : null;
    lines.push(`${verdict(ratio === null ? null : ratio >= TARGETS.ratio)}  app/raw throughput at ${sizeMiB} MiB: ${fixed(ratio, 2)} (target ≥ ${TARGETS.ratio})`);
    return { sizeMiB, ratio };
  });

  // The command-line sender, against the same raw baseline: reported, no target.
  const cli = measured(runs, 'cli');
  for (const r of cli.filter((c) => !c.error)) {
    const raw = rawRate(runs, r.sizeMiB);
    lines.push(`info  cli→chromium/raw throughput at ${r.sizeMiB} MiB: ${fixed(r.mbPerS && raw ? r.mbPerS / raw : null, 2)} (${fixed(r.mbPerS)} MB/s; CLI sender in Node → Chromium)`);
  }

  const bySize = [...app].sort((a, b) => a.sizeMiB - b.sizeMiB);
  const [small, large] = [bySize[0], bySize.at(-1)];
  const rssGrowthMiB = small && large && small !== large ? large.rssPeakMiB! - small.rssPeakMiB! : null;
  const growthLabel = small && large ? `${small.sizeMiB} → ${large.sizeMiB} MiB` : 'needs two app sizes';
  lines.push(`${verdict(rssGrowthMiB === null ? null : rssGrowthMiB < TARGETS.rssGrowthMiB)}  receiver peak RSS growth, app ${growthLabel}: ${fixed(rssGrowthMiB, 0)} MiB (target < ${TARGETS.rssGrowthMiB} MiB)`);

  const opens = app.flatMap((r) => (typeof r.channelOpenMs === 'number' ? [r.channelOpenMs] : []));
  const channelOpenMedianMs = median(opens);
  lines.push(
    `${verdict(channelOpenMedianMs === null ? null : channelOpenMedianMs < TARGETS.channelOpenMs)}  link open → channel open, median of ${opens.length} app run(s): ${fixed(channelOpenMedianMs, 0)} ms (target < ${TARGETS.channelOpenMs} ms)`,
  );

  const errors = runs.filter((r) => r.error);
  const mismatches = runs.filter((r) => r.hashOk === false);
  for (const r of errors) lines.push(`FAIL  ${r.kind}${r.warmup ? ' warm-up' : ''} ${r.sizeMiB} MiB: ${r.error}`);
  for (const r of mismatches) lines.push(`FAIL  ${r.kind}${r.warmup ? ' warm-up' : ''} ${r.sizeMiB} MiB: the receiver showed a hash that is not the file's SHA-256`);
  const disturbed = runs.filter((r) => !r.warmup && (r.otherCpuPercent ?? 0) > DISTURBED_PERCENT);
  if (disturbed.length) {
    lines.push(`WARN  other processes took > ${DISTURBED_PERCENT}% of the CPUs during ${disturbed.length} measured run(s): rerun on a quiet machine`);
  }
  const failed = errors.length > 0 || mismatches.length > 0;
  lines.push(failed ? 'Result: FAILED (a transfer failed or a hash mismatched)' : 'Result: all runs completed, every hash verified');
  return { lines, failed, ratios, rssGrowthMiB, channelOpenMedianMs };
}
