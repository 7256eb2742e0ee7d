import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchConfig } from './config';
import type { MeasureResult, RampResult, Targets } from './ipc';
import { WorkerPool, type WorkerAnswer } from './pool';
import { cpuMeter, rssBytes, rssMeter, type CpuUse } from './proc';
import { startApp, startEcho, startRedis, type Instance } from './servers';
import { percentiles, shares, toMiB, type Percentiles } from './stats';

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
  ackMs: Percentiles;
  relaysSent: number;
  relaysLost: number;
  rssMiB: number;
  rssPeakMiB: number;
  rssPerThousandMiB: number | null;
  redisRssMiB: number | null;
  rampCpu: CpuUse;
  windowCpu: CpuUse;
  /** Held sockets dropped since the phase started. */
  disconnects: number;
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
    const instance = def.kind === 'app' ? await startApp(name, config.logLevel, env) : await startEcho(name, env);
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
const total = <T>(answers: WorkerAnswer<T>[], pick: (r: T) => number) => answers.reduce((s, a) => s + pick(a.result), 0);

async function measureStep(sessions: number, topology: Topology, pool: WorkerPool, config: BenchConfig, idleRss: number): Promise<StepRecord> {
  const serverPids = topology.instances.map((i) => i.pid);
  const groups = { server: serverPids, clients: pool.pids(), ...(topology.redis ? { redis: [topology.redis.pid] } : {}) };
  const rampCpuMeter = cpuMeter(groups);
  const rampStart = performance.now();
  const target = shares(sessions, pool.size);
  const ramp = await pool.all<RampResult>((i) => ({ cmd: 'ramp', target: target[i]!, concurrency: config.setupConcurrency }), 20 * 60_000);
  const rampSeconds = (performance.now() - rampStart) / 1000;
  const rampCpu = rampCpuMeter.stop();
  await sleep(1000); // let the last set-ups' garbage and timers settle before timing relays

  const windowMs = (config.warmupSeconds + config.measureSeconds) * 1000;
  const rss = rssMeter(serverPids);
  const windowCpuMeter = cpuMeter(groups);
  const measured = await pool.all<MeasureResult>(
    () => ({
      cmd: 'measure',
      relayRate: config.relayRate / pool.size,
      probeRate: config.probeRate / pool.size,
      durationMs: config.measureSeconds * 1000,
      warmupMs: config.warmupSeconds * 1000,
    }),
    windowMs + 120_000,
  );
  const windowCpu = windowCpuMeter.stop();
  const memory = rss.stop();

  const held = total(ramp, (r) => r.sessions);
  const added = total(ramp, (r) => r.added);
  return {
    sessions,
    held,
    setupFailures: total(ramp, (r) => r.failed),
    rampSeconds: Math.round(rampSeconds * 10) / 10,
    setupPerSecond: Math.round(added / rampSeconds),
    rampPostMs: percentiles(merge(ramp, 'postMs')),
    rampJoinMs: percentiles(merge(ramp, 'joinMs')),
    joinMs: percentiles(merge(measured, 'probeJoinMs')),
    probeFailures: total(measured, (r) => r.probeFailed),
    relayMs: percentiles(merge(measured, 'relayMs')),
    ackMs: percentiles(merge(measured, 'ackMs')),
    relaysSent: total(measured, (r) => r.relaysSent),
    relaysLost: total(measured, (r) => r.relaysLost),
    rssMiB: toMiB(memory.lastBytes),
    rssPeakMiB: toMiB(memory.peakBytes),
    rssPerThousandMiB: held > 0 ? Math.round((10 * (memory.lastBytes - idleRss)) / (1024 * 1024) / (held / 1000)) / 10 : null,
    redisRssMiB: topology.redis ? toMiB(rssBytes(topology.redis.pid)) : null,
    rampCpu,
    windowCpu,
    disconnects: measured.reduce((s, a) => s + a.health.disconnects, 0),
    errors: [...ramp.flatMap((a) => a.result.errors), ...measured.flatMap((a) => a.result.errors)].slice(0, 10),
  };
}

function progress(def: PhaseDef, s: StepRecord) {
  const f = (p: Percentiles) => `${p.p50 ?? 'n/a'}/${p.p99 ?? 'n/a'}`;
  console.log(
    `  ${def.name} ${s.sessions} sessions: held ${s.held}, ${s.setupPerSecond} set-ups/s, join→peer-joined ${f(s.joinMs)} ms, ` +
      `relay ${f(s.relayMs)} ms (${s.relaysLost} lost), RSS ${s.rssMiB} MiB, server CPU ${s.windowCpu.groups.server}%` +
      (s.disconnects ? `, ${s.disconnects} sockets dropped` : ''),
  );
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
