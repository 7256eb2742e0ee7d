import { median } from './util';

// Turns the runs into the printed table, the PASS/MISS summary and the JSON record.
// Every line runs once per round, interleaved with the others; a line's figures are
// the medians over its rounds, since one transfer over this link swings by ±30%.

/**
 * `two`: sender and receiver in two Chromium processes, the receiver on a persistent
 * profile. `one`: one Chromium, sender and receiver in two incognito contexts.
 */
export type Setup = 'two' | 'one';

export interface Run {
  setup: Setup;
  /**
   * raw and the ladder's stages (bench/ladder/stages.ts), the app, the app with its link
   * opened before the sender has hashed the file, the CLI or Firefox sending to the app.
   */
  kind: 'raw' | 'stage' | 'app' | 'app-at-once' | 'cli' | 'firefox';
  /** The line's name: the stage (`raw`, `+read`, …) or `app`, `app, opened at once`, `cli→chromium`, `firefox→chromium`. */
  line: string;
  warmup: boolean;
  round: number;
  sizeMiB: number;
  bytes: number;
  error?: string;
  elapsedMs?: number;
  /** App lines: receiver opens the link → receiver shows done. */
  linkToDoneMs?: number;
  /** 1 MB = 1e6 bytes. */
  mbPerS?: number;
  /** CPU seconds per GiB of each browser's process tree (`one`: both peers in `receiver`; the CLI sender: null). */
  cpuPerGiB?: { sender: number | null; receiver: number };
  /** The same, per thread ("process kind / thread name"), for the threads that took ≥ 0.05 s. */
  cpuThreadsPerGiB?: { sender: { thread: string; seconds: number }[] | null; receiver: { thread: string; seconds: number }[] };
  rssStartMiB?: number;
  rssPeakMiB?: number;
  channelOpenMs?: number | null;
  /** The receiver's SHA-256 equals the file's (app lines, and ladder stages that hash). */
  hashOk?: boolean;
  /** CPU taken by processes outside the bench during the run, % of all cores. */
  otherCpuPercent?: number;
  /** UDP datagrams the kernel dropped for a full receive buffer, % of those received (bench/procfs.ts). */
  udpDropPercent?: number;
}

/** One line at one size: the medians of its rounds. */
export interface Line {
  setup: Setup;
  kind: Run['kind'];
  line: string;
  sizeMiB: number;
  rounds: number;
  failed: number;
  mbPerS: number | null;
  /** Against raw's median in the same setup and size. */
  ratio: number | null;
  cpuPerGiB: { sender: number | null; receiver: number | null };
  /** Against raw's median CPU per GiB, per side. */
  cpuRatio: { sender: number | null; receiver: number | null };
  rssPeakMiB: number | null;
  channelOpenMs: number | null;
  hashOk: boolean | undefined;
  otherCpuPercent: number | null;
}

export const TARGETS = { ratio: 0.9, cpuRatio: 1.25, rssGrowthMiB: 100, channelOpenMs: 1000 };
/** Above this much foreign CPU load during a run, its rate says more about the machine than the code. */
const DISTURBED_PERCENT = 10;
const SETUP_NAMES: Record<Setup, string> = { two: 'two Chromium processes', one: 'one Chromium, two incognito contexts' };

const fixed = (n: number | null | undefined, digits = 1) => (n === null || n === undefined ? 'n/a' : n.toFixed(digits));
const numbers = (values: (number | null | undefined)[]) => values.filter((v): v is number => typeof v === 'number');
const divide = (a: number | null, b: number | null | undefined) => (a !== null && b ? a / b : null);

/** The runs grouped into lines, in the order they first ran, each with its medians. */
export function lines(runs: Run[]): Line[] {
  const groups = new Map<string, Run[]>();
  for (const run of runs.filter((r) => !r.warmup)) {
    const key = `${run.setup}|${run.line}|${run.sizeMiB}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const partial = [...groups.values()].map((group) => {
    const ok = group.filter((r) => !r.error);
    const first = group[0]!;
    return {
      setup: first.setup, kind: first.kind, line: first.line, sizeMiB: first.sizeMiB, rounds: group.length, failed: group.length - ok.length,
      mbPerS: median(numbers(ok.map((r) => r.mbPerS))),
      cpuPerGiB: { sender: median(numbers(ok.map((r) => r.cpuPerGiB?.sender))), receiver: median(numbers(ok.map((r) => r.cpuPerGiB?.receiver))) },
      rssPeakMiB: numbers(ok.map((r) => r.rssPeakMiB)).reduce<number | null>((max, v) => Math.max(max ?? v, v), null),
      channelOpenMs: median(numbers(ok.map((r) => r.channelOpenMs))),
      hashOk: ok.some((r) => r.hashOk !== undefined) ? ok.every((r) => r.hashOk !== false) : undefined,
      otherCpuPercent: median(numbers(ok.map((r) => r.otherCpuPercent))),
    };
  });
  return partial.map((l) => {
    const raw = partial.find((x) => x.kind === 'raw' && x.setup === l.setup && x.sizeMiB === l.sizeMiB);
    const isRaw = l.kind === 'raw';
    return {
      ...l,
      ratio: isRaw ? null : divide(l.mbPerS, raw?.mbPerS),
      cpuRatio: isRaw ? { sender: null, receiver: null } : { sender: divide(l.cpuPerGiB.sender, raw?.cpuPerGiB.sender), receiver: divide(l.cpuPerGiB.receiver, raw?.cpuPerGiB.receiver) },
    };
  });
}

const cpuCell = (l: Line) =>
  l.setup === 'one' ? `${fixed(l.cpuPerGiB.receiver, 0)} (both)` : `${fixed(l.cpuPerGiB.sender, 0)} / ${fixed(l.cpuPerGiB.receiver, 0)}`;

export function lineTable(all: Line[]): string {
  const header = ['setup', 'line', 'size', 'rounds', 'MB/s', '×raw', 'CPU s/GiB send / recv', 'CPU ×raw', 'RSS peak MiB', 'open ms', 'hash', 'other CPU %'];
  const rows = all.map((l) => [
    l.setup, l.line, `${l.sizeMiB} MiB`, l.failed ? `${l.rounds} (${l.failed} FAILED)` : String(l.rounds), fixed(l.mbPerS), l.ratio === null ? '' : fixed(l.ratio, 2), cpuCell(l),
    l.setup === 'two' && l.kind !== 'raw' ? `${fixed(l.cpuRatio.sender, 2)} / ${fixed(l.cpuRatio.receiver, 2)}` : '',
    fixed(l.rssPeakMiB, 0), l.channelOpenMs === null ? '' : fixed(l.channelOpenMs, 0), l.hashOk === undefined ? '' : l.hashOk ? 'ok' : 'MISMATCH', fixed(l.otherCpuPercent, 0),
  ]);
  const widths = header.map((_, col) => Math.max(...[header, ...rows].map((row) => row[col]!.length)));
  const format = (row: string[]) => row.map((cell, col) => (col < 2 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ').trimEnd();
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(format)].join('\n');
}

export interface Summary {
  lines: string[];
  failed: boolean;
  rssGrowthMiB: number | null;
  channelOpenMedianMs: number | null;
}

const verdict = (ok: boolean | null) => (ok === null ? 'n/a ' : ok ? 'PASS' : 'MISS');

export function summarize(runs: Run[]): Summary {
  const out: string[] = [];
  const all = lines(runs);
  const apps = all.filter((l) => l.kind === 'app');
  for (const l of apps) {
    out.push(`${verdict(l.ratio === null ? null : l.ratio >= TARGETS.ratio)}  app/raw throughput, ${SETUP_NAMES[l.setup]}, ${l.sizeMiB} MiB: ${fixed(l.ratio, 2)} (target ≥ ${TARGETS.ratio})`);
  }
  for (const l of apps.filter((a) => a.setup === 'two')) {
    for (const side of ['sender', 'receiver'] as const) {
      const value = l.cpuRatio[side];
      out.push(`${verdict(value === null ? null : value <= TARGETS.cpuRatio)}  app/raw CPU seconds per GiB, ${side}, ${l.sizeMiB} MiB: ${fixed(value, 2)} (target ≤ ${TARGETS.cpuRatio})`);
    }
  }
  // The ladder, the command-line sender and Firefox, against the same raw baseline: reported, no target.
  for (const l of all.filter((x) => x.kind === 'stage' || x.kind === 'app-at-once' || x.kind === 'cli' || x.kind === 'firefox')) {
    out.push(`info  ${l.line} ${l.sizeMiB} MiB: ${fixed(l.ratio, 2)} × raw (${fixed(l.mbPerS)} MB/s; CPU s/GiB ${cpuCell(l)})`);
  }

  const bySize = apps.filter((l) => l.setup === 'two' && l.rssPeakMiB !== null).sort((a, b) => a.sizeMiB - b.sizeMiB);
  const [small, large] = [bySize[0], bySize.at(-1)];
  const rssGrowthMiB = small && large && small !== large ? large.rssPeakMiB! - small.rssPeakMiB! : null;
  const growthLabel = small && large ? `${small.sizeMiB} → ${large.sizeMiB} MiB` : 'needs two app sizes';
  out.push(`${verdict(rssGrowthMiB === null ? null : rssGrowthMiB < TARGETS.rssGrowthMiB)}  receiver peak RSS growth, app ${growthLabel}: ${fixed(rssGrowthMiB, 0)} MiB (target < ${TARGETS.rssGrowthMiB} MiB)`);

  const opens = numbers(runs.filter((r) => r.kind === 'app' && !r.warmup && !r.error).map((r) => r.channelOpenMs));
  const channelOpenMedianMs = median(opens);
  out.push(`${verdict(channelOpenMedianMs === null ? null : channelOpenMedianMs < TARGETS.channelOpenMs)}  link open → channel open, median of ${opens.length} app run(s): ${fixed(channelOpenMedianMs, 0)} ms (target < ${TARGETS.channelOpenMs} ms)`);

  const errors = runs.filter((r) => r.error);
  const mismatches = runs.filter((r) => r.hashOk === false);
  for (const r of errors) out.push(`FAIL  ${r.setup} ${r.line}${r.warmup ? ' warm-up' : ''} ${r.sizeMiB} MiB, round ${r.round}: ${r.error}`);
  for (const r of mismatches) out.push(`FAIL  ${r.setup} ${r.line} ${r.sizeMiB} MiB, round ${r.round}: the receiver's SHA-256 is not the file's`);
  const disturbed = runs.filter((r) => !r.warmup && (r.otherCpuPercent ?? 0) > DISTURBED_PERCENT);
  if (disturbed.length) out.push(`WARN  other processes took > ${DISTURBED_PERCENT}% of the CPUs during ${disturbed.length} measured run(s): rerun on a quiet machine`);
  const failed = errors.length > 0 || mismatches.length > 0;
  out.push(failed ? 'Result: FAILED (a transfer failed or a hash mismatched)' : 'Result: all runs completed, every hash verified');
  return { lines: out, failed, rssGrowthMiB, channelOpenMedianMs };
}
