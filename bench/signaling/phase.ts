import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchConfig } from './config';
import type { MeasureResult, RampResult, Targets } from './ipc';
import { WorkerPool, type WorkerAnswer } from './pool';
import { cpuMeter, rssBytes, rssMeter, type CpuUse } from './proc';
import { startApp, startEcho, startRedis, type Instance } from './servers';
import { percentiles, shares, stallsOf, toMiB, type Percentiles, type Stall } from './stats';

// One phase: a server topology (app or baseline; one instance, or two + Redis) ramped
// through the steps. At each step the sessions are added, then held while a window
// of paced relays and a trickle of new sessions (probes) is timed.

export interface PhaseDef {
  name: string;
  kind: 'app' | 'baseline';
  redis: boolean;
}

export interface StepRecord {
  sessions: number;
  /** Sessions the workers hold after the ramp (all of `sessions` unless set-ups failed). */
  held: number;
  setupFailures: number;
  rampSeconds: number;
  /** Sessions fully set up per second (POST, two sockets, two joins, peer-joined). */
  setupPerSecond: number;
  rampPostMs: Percentiles;
  rampJoinMs: Percentiles;
  /** Join → peer-joined of new sessions while all `sessions` are up: the steady-state figure. */
  joinMs: Percentiles;
  probeFailures: number;
  relayMs: Percentiles;
  /** Relays over 100 ms, and when they were sent (grouped into stalls). */
  slowRelayCount: number;
  stalls: Stall[];
  ackMs: Percentiles;
  relaysSent: number;
  relaysLost: number;
  rssMiB: number;
  rssPeakMiB: number;
  rssPerThousandMiB: number | null;
  redisRssMiB: number | null;
  rampCpu: CpuUse;
  windowCpu: CpuUse;
  /** Wall-clock bounds of the measurement window (warm-up included), to line up with the server logs. */
  window: { start: string; end: string };
  /** Held sockets dropped since the phase started. */
  disconnects: number;
  dropReasons: Record<string, number>;
  errors: string[];
}

export interface PhaseRecord extends PhaseDef {
  instances: number;
  status: 'ok' | 'failed' | 'skipped';
  reason?: string;
  /** All instances after start-up and warm-up, before the first step. */
  idleRssMiB: number | null;
  steps: StepRecord[];
  logs: string[];
}

interface Topology {
  instances: Instance[];
  redis: Instance | null;
  targets: Targets;
}

const WARMUP_SESSIONS_PER_WORKER = 5;

async function startTopology(def: PhaseDef, config: BenchConfig, started: Instance[]): Promise<Topology> {
  const redis = def.redis ? await startRedis(`${def.name}-redis`) : null;
  if (redis) started.push(redis);
  const env: Record<string, string> = redis ? { REDIS_URL: redis.url } : {};
  const instances: Instance[] = [];
  for (const letter of redis ? ['a', 'b'] : ['a']) {
    const name = `${def.name}-${letter}`;
    const args = config.serverNodeArgs;
    const instance = def.kind === 'app' ? await startApp(name, args, config.logLevel, env) : await startEcho(name, args, env);
    started.push(instance);
    instances.push(instance);
  }
  // Two instances: a sender reaches A and its receiver B, so every session spans both.
  const [a, b = a] = instances as [Instance, Instance?];
  return { instances, redis, targets: { httpUrl: a.url, senderUrl: a.url, receiverUrl: b.url } };
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
const sumRss = (instances: Instance[]) => instances.reduce((s, i) => s + rssBytes(i.pid), 0);
const merge = <T, K extends keyof T>(answers: WorkerAnswer<T>[], key: K) => answers.flatMap((a) => a.result[key] as unknown[]) as number[];
const sumCounts = (counts: Record<string, number>[]) =>
  counts.reduce<Record<string, number>>((sum, c) => {
    for (const [key, n] of Object.entries(c)) sum[key] = (sum[key] ?? 0) + n;
    return sum;
  }, {});
const total = <T>(answers: WorkerAnswer<T>[], pick: (r: T) => number) => answers.reduce((s, a) => s + pick(a.result), 0);

/** Adds sessions until the workers hold `sessions` between them. */
async function ramp(sessions: number, pool: WorkerPool, config: BenchConfig, groups: Record<string, number[]>) {
  const cpu = cpuMeter(groups);
  const started = performance.now();
  const target = shares(sessions, pool.size);
  const answers = await pool.all<RampResult>((i) => ({ cmd: 'ramp', target: target[i]!, concurrency: config.setupConcurrency }), 20 * 60_000);
  return { answers, seconds: (performance.now() - started) / 1000, cpu: cpu.stop() };
}

/** Paced relays and new-session probes while every session is held. */
async function timeWindow(pool: WorkerPool, config: BenchConfig, groups: Record<string, number[]>) {
  const rss = rssMeter(groups.server!);
  const cpu = cpuMeter(groups);
  const start = new Date().toISOString();
  const answers = await pool.all<MeasureResult>(
    () => ({
      cmd: 'measure',
      relayRate: config.relayRate / pool.size,
      probeRate: config.probeRate / pool.size,
      durationMs: config.measureSeconds * 1000,
      warmupMs: config.warmupSeconds * 1000,
    }),
    (config.warmupSeconds + config.measureSeconds) * 1000 + 120_000,
  );
  return { answers, cpu: cpu.stop(), memory: rss.stop(), window: { start, end: new Date().toISOString() } };
}

async function measureStep(sessions: number, topology: Topology, pool: WorkerPool, config: BenchConfig, idleRss: number): Promise<StepRecord> {
  const groups = { server: topology.instances.map((i) => i.pid), clients: pool.pids(), ...(topology.redis ? { redis: [topology.redis.pid] } : {}) };
  const ramped = await ramp(sessions, pool, config, groups);
  await sleep(1000); // let the last set-ups' garbage and timers settle before timing relays
  const timed = await timeWindow(pool, config, groups);

  const [rampAnswers, measured] = [ramped.answers, timed.answers];
  const held = total(rampAnswers, (r) => r.sessions);
  return {
    sessions,
    held,
    setupFailures: total(rampAnswers, (r) => r.failed),
    rampSeconds: Math.round(ramped.seconds * 10) / 10,
    setupPerSecond: Math.round(total(rampAnswers, (r) => r.added) / ramped.seconds),
    rampPostMs: percentiles(merge(rampAnswers, 'postMs')),
    rampJoinMs: percentiles(merge(rampAnswers, 'joinMs')),
    joinMs: percentiles(merge(measured, 'probeJoinMs')),
    probeFailures: total(measured, (r) => r.probeFailed),
    relayMs: percentiles(merge(measured, 'relayMs')),
    slowRelayCount: total(measured, (r) => r.slowCount),
    stalls: stallsOf(measured.flatMap((a) => a.result.slowRelays)),
    ackMs: percentiles(merge(measured, 'ackMs')),
    relaysSent: total(measured, (r) => r.relaysSent),
    relaysLost: total(measured, (r) => r.relaysLost),
    rssMiB: toMiB(timed.memory.lastBytes),
    rssPeakMiB: toMiB(timed.memory.peakBytes),
    rssPerThousandMiB: held > 0 ? Math.round((10 * (timed.memory.lastBytes - idleRss)) / (1024 * 1024) / (held / 1000)) / 10 : null,
    redisRssMiB: topology.redis ? toMiB(rssBytes(topology.redis.pid)) : null,
    rampCpu: ramped.cpu,
    windowCpu: timed.cpu,
    window: timed.window,
    disconnects: measured.reduce((s, a) => s + a.health.disconnects, 0),
    dropReasons: sumCounts(measured.map((a) => a.health.dropReasons)),
    errors: [...rampAnswers.flatMap((a) => a.result.errors), ...measured.flatMap((a) => a.result.errors)].slice(0, 10),
  };
}

function progress(def: PhaseDef, s: StepRecord) {
  const f = (p: Percentiles) => `${p.p50 ?? 'n/a'}/${p.p99 ?? 'n/a'}`;
  console.log(
    `  ${def.name} ${s.sessions} sessions: held ${s.held}, ${s.setupPerSecond} set-ups/s, join→peer-joined ${f(s.joinMs)} ms, ` +
      `relay ${f(s.relayMs)} ms (${s.relaysLost} lost), RSS ${s.rssMiB} MiB, server CPU ${s.windowCpu.groups.server}%` +
      (s.disconnects ? `, ${s.disconnects} sockets dropped (${Object.entries(s.dropReasons).map(([k, n]) => `${k} ×${n}`).join(', ')})` : ''),
  );
  for (const stall of s.stalls) {
    const [from, to] = [stall.start.slice(11, 23), stall.end.slice(11, 23)];
    console.log(`    stall: ${stall.relays} relays sent ${from}–${to} UTC took up to ${stall.maxMs} ms`);
  }
  for (const error of s.errors.slice(0, 3)) console.log(`    error: ${error}`);
}

export async function runPhase(def: PhaseDef, steps: number[], config: BenchConfig): Promise<PhaseRecord> {
  const record: PhaseRecord = { ...def, instances: def.redis ? 2 : 1, status: 'ok', idleRssMiB: null, steps: [], logs: [] };
  const fail = (status: 'failed' | 'skipped', reason: string) => Object.assign(record, { status, reason });
  const started: Instance[] = [];
  let pool: WorkerPool | undefined;
  console.log(`\n▶ ${def.name}: ${def.kind === 'app' ? 'server.ts' : 'bare Socket.IO'}${def.redis ? ', two instances + Redis (senders on A, receivers on B)' : ', one instance'}`);
  try {
    let topology: Topology;
    try {
      topology = await startTopology(def, config, started);
    } catch (error) {
      return fail('failed', `start-up: ${errorText(error)}`);
    }
    pool = WorkerPool.start(config.workers, { targets: topology.targets, envelopeBytes: config.envelopeBytes });
    try {
      await pool.all(() => ({ cmd: 'warmup', sessions: WARMUP_SESSIONS_PER_WORKER }), 120_000);
    } catch (error) {
      if (!def.redis) return fail('failed', `warm-up: a session did not work (${errorText(error)})`);
      return fail('skipped', `warm-up: a session across the two instances did not work, so Redis mode is not usable yet (${errorText(error)})`);
    }
    await sleep(1000);
    const idleRss = sumRss(topology.instances);
    record.idleRssMiB = toMiB(idleRss);
    for (const sessions of steps) {
      const step = await measureStep(sessions, topology, pool, config, idleRss);
      record.steps.push(step);
      progress(def, step);
      const down = topology.instances.filter((i) => i.exited());
      if (down.length) return fail('failed', `${down.map((i) => i.name).join(', ')} exited during the run`);
      // A server that cannot hold this step will not hold the next one.
      if (step.held < sessions) return fail('failed', `could hold only ${step.held} of ${sessions} sessions`);
    }
    return record;
  } catch (error) {
    return fail('failed', errorText(error));
  } finally {
    record.logs = started.map((i) => i.logFile);
    if (pool) await pool.close().catch(() => pool?.kill());
    for (const instance of started.reverse()) await instance.stop();
  }
}
