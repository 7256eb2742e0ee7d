import { spawnSync } from 'node:child_process';
import type { BenchConfig } from './config';
import type { PhaseDef } from './phase';

// Which phases run, at which steps. Every socket is a file descriptor, so a step the
// open-files limit cannot hold is lowered to the most it can: the scripts raise the
// limit, but only a process with CAP_SYS_RESOURCE can lift the hard one (some
// containers and sandboxes withhold it).

/** Descriptors a process needs besides the held sessions' sockets: set-ups in flight, probes, its own files. */
const FD_RESERVE = 400;

export interface PlannedPhase {
  def: PhaseDef;
  steps: number[];
}

export interface Plan {
  phases: PlannedPhase[];
  /** Why steps were lowered, if they were. */
  shortfall?: string;
  maxSessions: { oneInstance: number; twoInstances: number };
}

export const hasRedis = () => spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status === 0;

const roundDown = (n: number) => Math.max(100, Math.floor(n / 100) * 100);
const capped = (steps: number[], max: number) => [...new Set(steps.map((s) => Math.min(s, max)))];

export function plan(config: BenchConfig, openFiles: number): Plan {
  // One instance holds both sockets of every session; with two, each holds one. A
  // client worker holds two per session of its share.
  const perWorker = (sessions: number) => Math.ceil((2 * sessions) / config.workers);
  const fit = (perSession: number) => {
    let max = roundDown((openFiles - FD_RESERVE) / perSession);
    while (perWorker(max) + FD_RESERVE > openFiles) max -= 100;
    return max;
  };
  const maxSessions = { oneInstance: fit(2), twoInstances: fit(1) };
  const steps = capped(config.steps, maxSessions.oneInstance);
  const redisSteps = capped(config.redisSteps, maxSessions.twoInstances);
  const lowered = steps.join() !== config.steps.join() || redisSteps.join() !== config.redisSteps.join();
  const shortfall = lowered
    ? `the open-files limit is ${openFiles} and cannot be raised here, so one instance holds at most ${maxSessions.oneInstance} sessions (two: ${maxSessions.twoInstances})`
    : undefined;

  // The baseline goes first in each pair, so both see the machine in much the same state.
  const all: PlannedPhase[] = [
    { def: { name: 'baseline', kind: 'baseline', redis: false }, steps },
    { def: { name: 'app', kind: 'app', redis: false }, steps },
    { def: { name: 'baseline-redis', kind: 'baseline', redis: true }, steps: redisSteps },
    { def: { name: 'app-redis', kind: 'app', redis: true }, steps: redisSteps },
  ];
  const phases = all.filter((p) => p.steps.length > 0 && (config.phases === null || config.phases.includes(p.def.name)));
  return { phases, shortfall, maxSessions };
}
