import { readdirSync, readFileSync } from 'node:fs';
import { TreeCpu, type TreeCpuResult } from './cpu';

// What /proc says during a run: peak memory of the receiving browser, and how much CPU
// processes outside the bench took (this is a shared 2-core machine; any other load
// depresses the figures, and the report should say so).

interface Proc {
  ppid: number;
  /** utime + stime + cutime + cstime in clock ticks: reaped children roll into their parent. */
  cpuTicks: number;
}

function readProcs(): Map<number, Proc> {
  const procs = new Map<number, Proc>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: fields resume after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
      procs.set(pid, { ppid: fields[1]!, cpuTicks: fields[11]! + fields[12]! + fields[13]! + fields[14]! });
    } catch {
      // exited meanwhile
    }
  }
  return procs;
}

function tree(procs: Map<number, Proc>, root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of procs) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const pids: number[] = [];
  const queue = [root];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    pids.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return pids;
}

function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Summed VmRSS of a browser's whole process tree (browser, GPU, network, renderers…).
 * Shared pages count once per process, so this overstates absolute use a little;
 * the growth between runs is what matters.
 */
export function treeRssBytes(root: number): number {
  return tree(readProcs(), root).reduce((sum, pid) => sum + rssBytes(pid), 0);
}

/** Busy and total CPU ticks of the whole machine, from the first line of /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3]! - (fields[4] ?? 0), total }; // idle and iowait are not busy
}

const benchTicks = () => {
  const procs = readProcs();
  return tree(procs, process.pid).reduce((sum, pid) => sum + procs.get(pid)!.cpuTicks, 0);
};

/** How busy the machine was over the next `ms`, in % of all cores. */
export async function cpuBusyPercent(ms: number): Promise<number> {
  const before = machineTicks();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = machineTicks();
  return after.total > before.total ? Math.round((100 * (after.busy - before.busy)) / (after.total - before.total)) : 0;
}

/** UDP datagrams received and those the kernel dropped for a full socket buffer (this namespace's, from /proc/net/snmp). */
function udpCounters(): { received: number; dropped: number } {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((line) => line.startsWith('Udp:'));
  const [names, values] = lines.map((line) => line.trim().split(/\s+/));
  const value = (name: string) => Number(values?.[names?.indexOf(name) ?? -1] ?? 0);
  return { received: value('InDatagrams'), dropped: value('RcvbufErrors') };
}

export interface RunStats {
  startBytes: number;
  peakBytes: number;
  /** CPU used by processes outside the bench's own tree, in % of all cores. */
  otherCpuPercent: number;
  /** CPU seconds of each browser's process tree during the run (one browser: `receiver` only). */
  cpu: { sender: TreeCpuResult | null; receiver: TreeCpuResult };
  /**
   * Datagrams dropped by a full UDP receive buffer, % of those received: on loopback the
   * only loss there is, and what makes SCTP retransmit and slow down when a peer's
   * network thread is kept from reading in time.
   */
  udpDropPercent: number;
}

/**
 * Samples the receiving browser's tree RSS every `intervalMs`, and the CPU time of
 * both browsers' trees (per thread with `threads`), until stopped. Pass no sender when
 * one browser holds both peers.
 */
export function monitorRun(browsers: { sender?: number; receiver: number }, { intervalMs = 250, threads = false } = {}) {
  const start = treeRssBytes(browsers.receiver);
  const [machine0, bench0, udp0] = [machineTicks(), benchTicks(), udpCounters()];
  const senderCpu = browsers.sender === undefined ? null : new TreeCpu(browsers.sender, threads);
  const receiverCpu = new TreeCpu(browsers.receiver, threads);
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, treeRssBytes(browsers.receiver))), intervalMs);
  return {
    stop(): RunStats {
      clearInterval(timer);
      peak = Math.max(peak, treeRssBytes(browsers.receiver));
      const cpu = { sender: senderCpu?.stop() ?? null, receiver: receiverCpu.stop() };
      const [machine1, bench1, udp1] = [machineTicks(), benchTicks(), udpCounters()];
      const total = machine1.total - machine0.total;
      const other = machine1.busy - machine0.busy - (bench1 - bench0);
      const received = udp1.received - udp0.received;
      const udpDropPercent = received > 0 ? Math.round((10_000 * (udp1.dropped - udp0.dropped)) / received) / 100 : 0;
      return { startBytes: start, peakBytes: peak, otherCpuPercent: total > 0 ? Math.max(0, Math.round((100 * other) / total)) : 0, cpu, udpDropPercent };
    },
  };
}
