import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

// Diagnostic preload for a server under test, to tell event-loop stalls and GC pauses
// apart from network or client delays without touching the server's code:
//   BENCH_SERVER_NODE_ARGS="--import ./bench/signaling/loop-monitor.ts" npm run bench:signaling
// Every second it writes one JSON line to stderr (the instance's log file): the
// event-loop delay's p99 and max, and the GC pauses of that second.

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
let gc = { count: 0, totalMs: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.count++;
    gc.totalMs += entry.duration;
    gc.maxMs = Math.max(gc.maxMs, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });

const ms = (ns: number) => Math.round(ns / 1e4) / 100;
setInterval(() => {
  const line = {
    msg: 'loop',
    time: new Date().toISOString(),
    delayP99Ms: ms(delay.percentile(99)),
    delayMaxMs: ms(delay.max),
    gcCount: gc.count,
    gcTotalMs: Math.round(gc.totalMs),
    gcMaxMs: Math.round(gc.maxMs),
    heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
  delay.reset();
  gc = { count: 0, totalMs: 0, maxMs: 0 };
}, 1000).unref();
