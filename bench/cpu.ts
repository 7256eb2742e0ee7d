import { readdirSync, readFileSync } from 'node:fs';

// CPU time a browser's whole process tree spends during a run, from /proc, per process
// and (when asked) per thread. On a 2-core machine the two browsers' CPU per byte decides
// the rate, and unlike MB/s it barely moves when something else loads the machine.
//
// Only utime + stime of live processes count: a child's time rolls into its parent's
// cutime when it is reaped, which would charge one run with the last one's renderers.
// So every process is sampled while it lives (first and last value seen), and one born
// during the run counts from zero.

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux
const SAMPLE_MS = 1000;

function statFields(path: string): number[] | null {
  try {
    const stat = readFileSync(path, 'utf8');
    // The command name may hold spaces and parentheses: fields resume after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  } catch {
    return null; // exited meanwhile
  }
}

function children(): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const fields = statFields(`/proc/${pid}/stat`);
    if (fields) map.set(fields[1]!, [...(map.get(fields[1]!) ?? []), pid]);
  }
  return map;
}

function treePids(root: number): number[] {
  const kids = children();
  const pids: number[] = [];
  for (const queue = [root]; queue.length; ) {
    const pid = queue.pop()!;
    pids.push(pid);
    queue.push(...(kids.get(pid) ?? []));
  }
  return pids;
}

/** Chromium's process kind from its command line: browser, renderer, gpu-process, network, storage… */
function processKind(pid: number): string {
  let args: string[];
  try {
    // Zygote-forked processes rewrite their title with spaces between the arguments.
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
  } catch {
    return 'gone';
  }
  const type = args.find((a) => a.startsWith('--type='))?.slice(7);
  if (!type) return args[0]?.includes('node') ? 'node' : 'browser';
  const sub = args.find((a) => a.startsWith('--utility-sub-type='))?.slice(19);
  return sub ? sub.replace(/\.mojom\./, ':').replace(/^[a-z_]+:/, '') : type;
}

function threadName(pid: number, tid: number): string {
  try {
    // Worker pools number their threads: one name per pool.
    return readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim().replace(/\d+$/, '');
  } catch {
    return 'gone';
  }
}

interface Seen {
  key: string;
  first: number;
  last: number;
}

export interface TreeCpuResult {
  seconds: number;
  /** CPU seconds per "process kind / thread name" (threads only when sampled per thread). */
  parts: { name: string; seconds: number }[];
}

/** Samples a process tree's CPU time (per process, or per thread with `threads`) until stopped. */
export class TreeCpu {
  private readonly seen = new Map<string, Seen>();
  private readonly existing: Set<string>;
  private readonly kinds = new Map<number, string>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly root: number,
    private readonly threads = false,
  ) {
    this.existing = new Set(this.sample().keys());
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  stop(): TreeCpuResult {
    clearInterval(this.timer);
    this.sample();
    const parts = new Map<string, number>();
    let ticks = 0;
    for (const [id, { key, first, last }] of this.seen) {
      const used = last - (this.existing.has(id) ? first : 0);
      ticks += used;
      parts.set(key, (parts.get(key) ?? 0) + used);
    }
    return {
      seconds: ticks / TICKS_PER_SECOND,
      parts: [...parts].map(([name, t]) => ({ name, seconds: t / TICKS_PER_SECOND })).sort((a, b) => b.seconds - a.seconds),
    };
  }

  /** Reads every process (or thread) of the tree now; returns the ids read. */
  private sample(): Map<string, number> {
    const now = new Map<string, number>();
    for (const pid of treePids(this.root)) {
      if (!this.kinds.has(pid)) this.kinds.set(pid, processKind(pid));
      const kind = this.kinds.get(pid)!;
      const tids = this.threads ? safeReaddir(`/proc/${pid}/task`).map(Number) : [pid];
      for (const tid of tids) {
        const fields = statFields(this.threads ? `/proc/${pid}/task/${tid}/stat` : `/proc/${pid}/stat`);
        if (!fields) continue;
        const id = `${pid}/${tid}`;
        const ticks = fields[11]! + fields[12]!;
        now.set(id, ticks);
        const entry = this.seen.get(id);
        if (entry) entry.last = ticks;
        else this.seen.set(id, { key: this.threads ? `${kind} / ${threadName(pid, tid)}` : kind, first: ticks, last: ticks });
      }
    }
    return now;
  }
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
