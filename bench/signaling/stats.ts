// Latency summaries. Percentiles are nearest-rank over every sample (no histogram
// buckets): a p99 of 20,000 relays is the 19,800th smallest.

export interface Percentiles {
  n: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function percentiles(samples: number[]): Percentiles {
  if (samples.length === 0) return { n: 0, p50: null, p99: null, max: null };
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) => round2(sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!);
  return { n: sorted.length, p50: at(50), p99: at(99), max: round2(sorted[sorted.length - 1]!) };
}

/** Splits `total` into `parts` whole shares that differ by at most one. */
export function shares(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

export const MiB = 1024 * 1024;
export const toMiB = (bytes: number) => Math.round(bytes / MiB);

/** A stretch of time in which relays took over 100 ms: the server (or machine) stalled. */
export interface Stall {
  /** When the first and the last slow relay of the stretch were sent (ISO). */
  start: string;
  end: string;
  /** Slow relays seen in it (of those the workers kept) and the slowest. */
  relays: number;
  maxMs: number;
}

/** Groups slow relays ([epoch ms sent, latency ms]) into stalls: sends less than a second apart. */
export function stallsOf(slow: [number, number][]): Stall[] {
  const stalls: { start: number; end: number; relays: number; maxMs: number }[] = [];
  for (const [at, ms] of [...slow].sort((a, b) => a[0] - b[0])) {
    const last = stalls.at(-1);
    if (last && at - last.end < 1000) Object.assign(last, { end: at, relays: last.relays + 1, maxMs: Math.max(last.maxMs, ms) });
    else stalls.push({ start: at, end: at, relays: 1, maxMs: ms });
  }
  return stalls.map((s) => ({ ...s, start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString() }));
}
