import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

// Memory and CPU of the processes under test, straight from /proc.

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** VmRSS of one process in bytes; 0 once it is gone. */
export function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** User + system CPU time of one process, in seconds. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return (fields[11]! + fields[12]!) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Busy and total seconds of all cores together, from /proc/stat. */
function machineSeconds(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: (total - fields[3]! - (fields[4] ?? 0)) / CLOCK_TICKS, total: total / CLOCK_TICKS };
}

export interface CpuUse {
  /** % of one core, per named group of processes. */
  groups: Record<string, number>;
  /** % of all cores busy, whatever ran. */
  machine: number;
  /** % of all cores taken by processes outside the groups: other work on a shared machine. */
  other: number;
}

/** Starts counting CPU time of the named process groups; `stop()` gives the use since. */
export function cpuMeter(groups: Record<string, number[]>) {
  const sum = (pids: number[]) => pids.reduce((s, pid) => s + cpuSeconds(pid), 0);
  const before = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, sum(pids)]));
  const machine0 = machineSeconds();
  const started = performance.now();
  return {
    stop(): CpuUse {
      const seconds = (performance.now() - started) / 1000;
      const machine1 = machineSeconds();
      const used = Object.fromEntries(
        Object.entries(groups).map(([name, pids]) => [name, Math.round((100 * (sum(pids) - before[name]!)) / seconds)]),
      );
      const total = machine1.total - machine0.total;
      const machine = total > 0 ? Math.round((100 * (machine1.busy - machine0.busy)) / total) : 0;
      const ours = Object.values(used).reduce((a, b) => a + b, 0) / os.cpus().length;
      return { groups: used, machine, other: Math.max(0, Math.round(machine - ours)) };
    },
  };
}

/** Samples the summed RSS of `pids` until stopped; returns the peak and the last value. */
export function rssMeter(pids: number[], intervalMs = 500) {
  const read = () => pids.reduce((s, pid) => s + rssBytes(pid), 0);
  let peak = read();
  const timer = setInterval(() => (peak = Math.max(peak, read())), intervalMs);
  return {
    stop(): { peakBytes: number; lastBytes: number } {
      clearInterval(timer);
      const last = read();
      return { peakBytes: Math.max(peak, last), lastBytes: last };
    },
  };
}

/** The soft limit on open files of this process (inherited by everything it starts). */
export function openFilesLimit(): number {
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return !match || match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
}
