// `npm run bench:profile`: where the CPU goes during one real app transfer, per chunk and
// per thread, in both browsers (set up as bench:transfer's two-process line). Two views
// of the same window in the middle of the transfer:
//  - /proc: the exact CPU time of every thread of both browsers' process trees;
//  - Chromium's own sampling profiler, through CDP tracing of every process of each
//    browser: which JavaScript (and wasm, and native API) each thread was running.
// A JS thread's CPU is split over its functions in proportion to their samples.
import os from 'node:os';
import type { CDPSession, Page } from '@playwright/test';
import { openPeer } from '../tests/e2e/support/peers';
import { startServer } from '../tests/support/server-process';
import { cleanUp, launchChromium, launchPersistentChromium, onCleanUp } from './browsers';
import { TreeCpu } from './cpu';
import { MiB, randomTempFile } from './util';

const SIZE_MIB = Number(process.env.BENCH_PROFILE_MIB ?? 256);
const WINDOW_MS = Number(process.env.BENCH_PROFILE_WINDOW_MS ?? 8000);
const CHUNK_BYTES = 262_106;
/** Trace thread names → the /proc name of the same thread (bench/cpu.ts: "process kind / comm"). */
const PROC_THREAD: Record<string, string> = { CrRendererMain: 'renderer / chromium', 'DedicatedWorker thread': 'renderer / DedicatedWorker' };
const CATEGORIES = (process.env.BENCH_PROFILE_CATEGORIES ?? ['disabled-by-default-v8.cpu_profiler', 'v8.execute', '__metadata'].join(','));

if (Object.keys(os.networkInterfaces()).some((name) => name !== 'lo')) {
  console.error('Refusing to run outside a private network namespace. Use: npm run bench:profile');
  process.exit(2);
}

interface TraceEvent {
  pid: number;
  tid: number;
  ph: string;
  name: string;
  id?: string;
  args?: { name?: string; data?: { cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] } };
}
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber?: number; columnNumber?: number };
}

async function startTrace(page: Page): Promise<{ stop: () => Promise<TraceEvent[]> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES.split(','), recordMode: 'recordContinuously' }, transferMode: 'ReturnAsStream' });
  return {
    stop: async () => {
      const complete = new Promise<string>((resolve) => cdp.once('Tracing.tracingComplete', ({ stream }) => resolve(stream!)));
      await cdp.send('Tracing.end');
      return JSON.parse(await readStream(cdp, await complete)).traceEvents as TraceEvent[];
    },
  };
}

async function readStream(cdp: CDPSession, handle: string): Promise<string> {
  let text = '';
  for (;;) {
    const { data, eof, base64Encoded } = await cdp.send('IO.read', { handle, size: 4 * MiB });
    text += base64Encoded ? Buffer.from(data, 'base64').toString('utf8') : data;
    if (eof) return text;
  }
}

/** Samples per (thread, function) from the trace's ProfileChunk events, with thread names. */
function samplesByThread(events: TraceEvent[]) {
  const threadNames = new Map<string, string>();
  const nodes = new Map<string, ProfileNode>();
  const counts = new Map<string, Map<string, number>>();
  // A profile's chunks come from the profiler's own thread: its 'Profile' event names the thread sampled.
  const sampled = new Map<string, string>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}/${e.tid}`, e.args?.name ?? '?');
    if (e.name === 'Profile') sampled.set(`${e.pid}/${e.id}`, `${e.pid}/${e.tid}`);
  }
  for (const e of events) {
    if (e.name !== 'ProfileChunk') continue;
    const thread = sampled.get(`${e.pid}/${e.id}`) ?? `${e.pid}/${e.tid}`;
    const profile = e.args?.data?.cpuProfile;
    for (const node of profile?.nodes ?? []) nodes.set(`${e.pid}/${e.id}/${node.id}`, node);
    const perThread = counts.get(thread) ?? new Map<string, number>();
    counts.set(thread, perThread);
    for (const id of profile?.samples ?? []) {
      const frame = nodes.get(`${e.pid}/${e.id}/${id}`)?.callFrame;
      const name = frame ? functionLabel(frame) : '(unknown)';
      perThread.set(name, (perThread.get(name) ?? 0) + 1);
    }
  }
  return [...counts].map(([thread, functions]) => ({ thread: threadNames.get(thread) ?? thread, functions }));
}

function functionLabel({ functionName = '', url = '', lineNumber = 0, columnNumber = 0 }: Partial<ProfileNode['callFrame']>): string {
  const file = url.split('/').pop() ?? '';
  if (functionName.startsWith('wasm-function') || url.startsWith('wasm://')) return 'wasm (SHA-256, hash-wasm)';
  // Minified bundles: the position finds the function in .next/static/chunks.
  return file ? `${functionName || '(anonymous)'} (${file}:${lineNumber + 1}:${columnNumber + 1})` : functionName || '(anonymous)';
}

async function progressPercent(page: Page): Promise<number> {
  return Number((await page.getByTestId('progress').getAttribute('aria-valuenow')) ?? 0);
}

async function main(): Promise<void> {
  const server = await startServer({ ICE_SERVERS: '[]' });
  onCleanUp(() => server.stop());
  const senderBrowser = await launchChromium();
  const receiverBrowser = await launchPersistentChromium();
  const file = await randomTempFile(SIZE_MIB * MiB);
  onCleanUp(() => file.remove());

  const sender = await openPeer(senderBrowser.browser, server.url);
  const receiver = await receiverBrowser.context.newPage();
  await sender.goto('/');
  await sender.getByTestId('file-input').setInputFiles(file.path);
  await sender.getByTestId('share-button').click();
  await sender.waitForFunction(() => /#.+$/.test(document.querySelector<HTMLInputElement>('[data-testid="share-link"]')?.value ?? ''));
  const link = await sender.getByTestId('share-link').inputValue();
  await receiver.goto(link);
  await receiver.getByTestId('progress').waitFor();
  await receiver.waitForFunction(() => Number(document.querySelector('[data-testid="progress"]')?.getAttribute('aria-valuenow')) >= 10);

  const traces = await Promise.all([startTrace(sender), startTrace(receiver)]);
  const cpu = [new TreeCpu(senderBrowser.pid, true), new TreeCpu(receiverBrowser.pid, true)];
  const before = await progressPercent(receiver);
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  const after = await progressPercent(receiver);
  const [senderCpu, receiverCpu] = cpu.map((c) => c.stop());
  const [senderTrace, receiverTrace] = await Promise.all(traces.map((t) => t.stop()));
  if (process.env.BENCH_PROFILE_DUMP) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${process.env.BENCH_PROFILE_DUMP}-sender.json`, JSON.stringify({ traceEvents: senderTrace }));
    writeFileSync(`${process.env.BENCH_PROFILE_DUMP}-receiver.json`, JSON.stringify({ traceEvents: receiverTrace }));
  }
  if (after >= 100) throw new Error('the transfer ended inside the window: use a larger BENCH_PROFILE_MIB');
  const chunks = (((after - before) / 100) * SIZE_MIB * MiB) / CHUNK_BYTES;
  console.log(`\nWindow: ${WINDOW_MS / 1000} s, ${chunks.toFixed(0)} chunks of 256 KiB (${before}% → ${after}% of ${SIZE_MIB} MiB).\n`);

  for (const [side, threads, trace] of [['sender', senderCpu!, senderTrace!], ['receiver', receiverCpu!, receiverTrace!]] as const) {
    console.log(`${side}: ${threads.seconds.toFixed(2)} s CPU, ${((threads.seconds * 1000) / chunks).toFixed(2)} ms per chunk`);
    // The profiler's own thread (v8:ProfEvntProc) is the price of looking; it is listed, not hidden.
    for (const part of threads.parts.filter((p) => p.seconds > 0.02)) console.log(`  ${((part.seconds * 1000) / chunks).toFixed(2).padStart(6)} ms/chunk  ${part.name}`);
    for (const { thread, functions } of samplesByThread(trace)) {
      const total = [...functions.values()].reduce((a, b) => a + b, 0);
      const busy = [...functions].filter(([name]) => name !== '(idle)');
      const threadCpu = threads.parts.find((p) => p.name === PROC_THREAD[thread])?.seconds;
      if (busy.length === 0 || total < 50 || threadCpu === undefined) continue;
      const busyCount = busy.reduce((sum, [, count]) => sum + count, 0);
      console.log(`  ${side} "${thread}": its ${((threadCpu * 1000) / chunks).toFixed(2)} ms/chunk of CPU split by the profiler's non-idle samples:`);
      for (const [name, count] of busy.sort((a, b) => b[1] - a[1]).slice(0, 12)) {
        console.log(`    ${(((count / busyCount) * threadCpu * 1000) / chunks).toFixed(2).padStart(6)} ms/chunk  ${name}`);
      }
    }
    console.log('');
  }
  await Promise.allSettled([sender.context().close(), receiver.close()]);
}

main()
  .then(
    () => 0,
    (error) => (console.error(error), 1),
  )
  .then(async (code) => {
    await cleanUp();
    process.exit(code);
  });
