import os from 'node:os';

// The bench's knobs, all from the environment so a quick run needs no code change:
//   BENCH_STEPS=500,1000 BENCH_REDIS_STEPS=500 npm run bench:signaling

export interface BenchConfig {
  /** Concurrent sessions to ramp to, one measurement at each (single instance). */
  steps: number[];
  /** The same for two instances + Redis; empty skips that part. */
  redisSteps: number[];
  /** Client processes sharing the sockets; one Node process alone saturates before the server. */
  workers: number;
  /** Sessions being set up at once per worker while ramping. */
  setupConcurrency: number;
  /** Relays per second across all sessions during a measurement window. */
  relayRate: number;
  /** New sessions per second, across all workers, whose join → peer-joined is timed in the window. */
  probeRate: number;
  /** Long enough to take in a major GC of a 10,000-session heap (one every ~30 s here). */
  measureSeconds: number;
  /** Relays and probes in the first seconds of a window are not counted (timers, JIT, GC settle). */
  warmupSeconds: number;
  /** Ciphertext size of a relayed envelope: an ICE candidate sealed is a few hundred bytes. */
  envelopeBytes: number;
  /** The app's LOG_LEVEL: `info` is what ships (one line per join). */
  logLevel: string;
  /** Extra node flags for every server under test (app and baseline alike), to diagnose them (e.g. --trace-gc). */
  serverNodeArgs: string[];
  /** Only these phases (baseline, app, baseline-redis, app-redis); unset: all. */
  phases: string[] | null;
  /** Where the JSON goes; unset: docs/results for a default run, bench/results otherwise. */
  out: string | undefined;
}

export const PHASE_NAMES = ['baseline', 'app', 'baseline-redis', 'app-redis'];

export const DEFAULT_STEPS = [1000, 2500, 5000, 10_000];
export const DEFAULT_REDIS_STEPS = [1000, 5000, 10_000];

function list(name: string, fallback: number[], allowEmpty = false): number[] {
  const text = process.env[name];
  if (text === undefined) return fallback;
  if (allowEmpty && text.trim() === '') return [];
  const values = text.split(',').map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new Error(`${name} must be positive whole numbers separated by commas, got "${text}"`);
  }
  // Steps ramp up: sessions are only ever added, never torn down between steps.
  return [...new Set(values)].sort((a, b) => a - b);
}

function number(name: string, fallback: number, min: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min}, got "${text}"`);
  return value;
}

export function loadBenchConfig(): BenchConfig {
  return {
    steps: list('BENCH_STEPS', DEFAULT_STEPS),
    redisSteps: list('BENCH_REDIS_STEPS', DEFAULT_REDIS_STEPS, true),
    workers: Math.round(number('BENCH_WORKERS', Math.max(2, Math.min(4, os.cpus().length * 2)), 1)),
    setupConcurrency: Math.round(number('BENCH_SETUP_CONCURRENCY', 16, 1)),
    relayRate: number('BENCH_RELAY_RATE', 1000, 1),
    probeRate: number('BENCH_PROBE_RATE', 20, 0),
    measureSeconds: number('BENCH_MEASURE_SECONDS', 30, 1),
    warmupSeconds: number('BENCH_WARMUP_SECONDS', 2, 0),
    envelopeBytes: Math.round(number('BENCH_ENVELOPE_BYTES', 256, 16)),
    logLevel: process.env.BENCH_LOG_LEVEL || 'info',
    serverNodeArgs: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
    phases: phaseList(process.env.BENCH_PHASES),
    out: process.env.BENCH_OUT || undefined,
  };
}

function phaseList(text: string | undefined): string[] | null {
  if (!text) return null;
  const names = text.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !PHASE_NAMES.includes(n));
  if (unknown.length) throw new Error(`BENCH_PHASES: unknown phase ${unknown.join(', ')} (known: ${PHASE_NAMES.join(', ')})`);
  return names;
}

/** True when the run uses the default steps and phases: only such runs go to docs/results. */
export const isDefaultRun = (c: BenchConfig) =>
  c.phases === null && c.steps.join() === DEFAULT_STEPS.join() && c.redisSteps.join() === DEFAULT_REDIS_STEPS.join();
