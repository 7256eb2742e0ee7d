// `npm run bench:transfer`: the raw DataChannel, the stage ladder and the real app in one
// run, over the same browsers. Start it through scripts/bench-transfer.mjs, which builds
// the app and enters a private network namespace first.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import type { Page } from '@playwright/test';
import { startServer } from '../tests/support/server-process';
import { openPeer } from '../tests/e2e/support/peers';
import { appTransfer, type AppRun, type OpenWhen } from './app-transfer';
import { cleanUp, launchChromium, launchPersistentChromium, onCleanUp } from './browsers';
import { cliTransfer } from './cli-transfer';
import { firefoxTransfer, launchFirefoxSender } from './firefox-transfer';
import { connectLadder, type LadderLink } from './ladder/run';
import { startLadderServer } from './ladder/serve';
import { LADDER } from './ladder/stages';
import { cpuBusyPercent, monitorRun } from './procfs';
import { lines, lineTable, summarize, type Run, type Setup } from './report';
import { benchLadderMiB, benchRounds, benchSizesMiB, MiB, randomTempFile, type TempFile } from './util';

const WARMUP_MIB = 16;
// Generous: a run fails on time only if it is slower than 1 MB/s (or takes over 10 min when small).
const runTimeoutMs = (bytes: number) => Math.max(10 * 60_000, bytes / 1000);

// Everything must stay on loopback: refuse to run where other interfaces exist.
const interfaces = Object.keys(os.networkInterfaces());
if (interfaces.some((name) => name !== 'lo')) {
  console.error(`Refusing to run outside a private network namespace (interfaces: ${interfaces.join(', ')}). Use: npm run bench:transfer`);
  process.exit(2);
}

let interrupted = false;
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: closing the browsers and the server…`);
    void cleanUp().then(() => process.exit(code));
  });
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const toMiB = (bytes: number) => round(bytes / MiB, 1);
const mbPerS = (bytes: number, ms: number) => round(bytes / 1e6 / (ms / 1000), 2);

/** Process trees whose CPU a run counts: `sender` absent when one browser holds both peers. */
interface Trees {
  sender?: number;
  receiver: number;
}

const runs: Run[] = [];

/** Runs one line, with the receiver's memory and both browsers' CPU watched; records and prints it. */
async function measure(
  line: Pick<Run, 'setup' | 'kind' | 'line' | 'warmup' | 'round' | 'sizeMiB'>,
  trees: Trees,
  body: (restartMeasuring: () => void) => Promise<Partial<Run> & { elapsedMs: number }>,
): Promise<Run> {
  const bytes = line.sizeMiB * MiB;
  let monitor = monitorRun(trees, { threads: true });
  // A body may start the count later, after set-up that is the bench's own work.
  const restartMeasuring = () => {
    monitor.stop();
    monitor = monitorRun(trees, { threads: true });
  };
  let run: Run;
  try {
    const result = await body(restartMeasuring);
    const stats = monitor.stop();
    const perGiB = (seconds: number) => round(seconds / (bytes / (1024 * MiB)), 1);
    run = {
      ...line, bytes, ...result, elapsedMs: round(result.elapsedMs, 1), mbPerS: mbPerS(bytes, result.elapsedMs),
      cpuPerGiB: { sender: stats.cpu.sender && trees.sender !== undefined ? perGiB(stats.cpu.sender.seconds) : null, receiver: perGiB(stats.cpu.receiver.seconds) },
      rssStartMiB: toMiB(stats.startBytes), rssPeakMiB: toMiB(stats.peakBytes), otherCpuPercent: stats.otherCpuPercent, udpDropPercent: stats.udpDropPercent,
      // Which threads took it: the JSON's record of where each line's CPU went.
      cpuThreadsPerGiB: {
        sender: stats.cpu.sender?.parts.filter((p) => p.seconds >= 0.05).map((p) => ({ thread: p.name, seconds: perGiB(p.seconds) })) ?? null,
        receiver: stats.cpu.receiver.parts.filter((p) => p.seconds >= 0.05).map((p) => ({ thread: p.name, seconds: perGiB(p.seconds) })),
      },
    };
  } catch (error) {
    monitor.stop();
    run = { ...line, bytes, error: String(error) };
  }
  runs.push(run);
  const raw = runs.find((r) => r.kind === 'raw' && !r.warmup && r.setup === run.setup && r.sizeMiB === run.sizeMiB && r.round === run.round)?.mbPerS;
  const ratio = run.kind !== 'raw' && raw && run.mbPerS ? run.mbPerS / raw : null;
  const cpu = run.cpuPerGiB ? `, CPU s/GiB ${run.cpuPerGiB.sender ?? '-'} / ${run.cpuPerGiB.receiver}, UDP drops ${run.udpDropPercent}%` : '';
  console.log(`  ${run.line}${run.warmup ? ' warm-up' : ''} ${run.sizeMiB} MiB: ${run.error ?? `${run.mbPerS!.toFixed(1)} MB/s${ratio ? ` (${ratio.toFixed(2)} × raw)` : ''}${cpu}`}`);
  return run;
}

/** One file per size, made once and shared by every line of that size. */
const files = new Map<number, TempFile>();
async function fileOf(sizeMiB: number): Promise<TempFile> {
  if (!files.has(sizeMiB)) {
    const file = await randomTempFile(sizeMiB * MiB);
    onCleanUp(() => file.remove());
    files.set(sizeMiB, file);
  }
  return files.get(sizeMiB)!;
}

/** Each size once, after a warm-up in the first round. */
const sizesOf = (sizes: number[], round: number) => [...(round === 1 ? [[WARMUP_MIB, true] as const] : []), ...sizes.map((s) => [s, false] as const)];

/** The raw baseline at every size, then the ladder's other stages at `ladderSizes`. */
async function ladderRuns(setup: Setup, round: number, link: LadderLink, trees: Trees, sizes: number[], ladderSizes: number[]) {
  for (const [sizeMiB, warmup] of sizesOf(sizes, round)) {
    const file = await fileOf(sizeMiB);
    await link.pick(file);
    const stages = setup === 'two' && !warmup && ladderSizes.includes(sizeMiB) ? LADDER : LADDER.slice(0, 1);
    for (const stage of stages) {
      if (interrupted) return;
      const kind = stage.name === 'raw' ? 'raw' : 'stage';
      await measure({ setup, kind, line: stage.name, warmup, round, sizeMiB }, trees, async () => {
        const elapsedMs = await link.run(stage, file, runTimeoutMs(file.size));
        return { elapsedMs, hashOk: stage.receiver === 'hash' || stage.receiver === 'opfs' || stage.receiver === 'engine' ? true : undefined };
      });
    }
  }
}

/** Like the raw time (first send → last byte), an app line counts channel open → every file verified. */
const fromAppRun = (run: AppRun, file: TempFile): Partial<Run> & { elapsedMs: number } => ({
  elapsedMs: run.transferMs ?? run.elapsedMs,
  linkToDoneMs: round(run.elapsedMs, 1),
  channelOpenMs: run.channelOpenMs,
  hashOk: run.shownHash === file.sha256,
});

async function appRuns(
  setup: Setup,
  round: number,
  kind: 'app' | 'app-at-once' | 'cli' | 'firefox',
  trees: Trees,
  sizes: number[],
  send: (file: TempFile, restartMeasuring: () => void) => Promise<AppRun>,
) {
  const line = { app: 'app', 'app-at-once': 'app, opened at once', cli: 'cli→chromium', firefox: 'firefox→chromium' }[kind];
  // The at-once line follows the app line, which has warmed up already.
  for (const [sizeMiB, warmup] of kind === 'app-at-once' ? sizes.map((s) => [s, false] as const) : sizesOf(sizes, round)) {
    if (interrupted) return;
    const file = await fileOf(sizeMiB);
    const run = await measure({ setup, kind, line, warmup, round, sizeMiB }, trees, async (restart) => fromAppRun(await send(file, restart), file));
    if (run.hashOk === false) console.error(`  ✗ HASH MISMATCH: ${line} at ${sizeMiB} MiB`);
  }
}

async function ladderBetween(sender: Page, receiver: Page, ladderUrl: string): Promise<LadderLink> {
  const link = await connectLadder(sender, receiver, ladderUrl);
  onCleanUp(() => link.close());
  return link;
}

/** BENCH_LINES="ladder,app" runs only those groups (default: all of ladder, app, cli, firefox, one); raw always runs. */
const LINES = new Set((process.env.BENCH_LINES ?? 'ladder,app,cli,firefox,one').split(',').map((l) => l.trim()));

async function main(): Promise<number> {
  const sizes = benchSizesMiB();
  const ladderSizes = benchLadderMiB(sizes);
  const busyBefore = await cpuBusyPercent(1000);
  const server = await startServer({ ICE_SERVERS: '[]' });
  onCleanUp(() => server.stop());
  const ladder = await startLadderServer();
  onCleanUp(() => ladder.close());
  const sender = await launchChromium();
  const receiver = await launchPersistentChromium();
  const two: Trees = { sender: sender.pid, receiver: receiver.pid };
  const newReceiverPage = () => receiver.context.newPage();

  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    totalMemoryGiB: +(os.totalmem() / 1024 ** 3).toFixed(1),
    chromium: sender.browser.version(),
    node: process.version,
    cpuBusyPercentBeforeStart: busyBefore,
  };
  console.log(`\nMachine: ${machine.cpu} × ${machine.cpus} cores, ${machine.totalMemoryGiB} GiB RAM, Chromium ${machine.chromium}, Node ${machine.node}`);
  if (busyBefore > 20) console.log(`⚠ The CPUs were ${busyBefore}% busy before the bench started: other work on this machine will depress the figures.`);
  console.log(`Sizes: ${sizes.join(', ')} MiB (after a ${WARMUP_MIB} MiB warm-up); the ladder's stages at ${ladderSizes.join(', ')} MiB.\n`);

  const rounds = benchRounds();
  // CPU is counted from the moment the sender's page holds the file: Playwright copying it into a browser it is connected to is not the app's work.
  const app = (openWhen: OpenWhen) => (file: TempFile, picked: () => void) =>
    appTransfer(sender.browser, newReceiverPage, server.url, file, runTimeoutMs(file.size), { openWhen, picked });
  const link = await ladderBetween(await openPeer(sender.browser, ladder.url), await newReceiverPage(), ladder.url);
  for (let round = 1; round <= rounds && !interrupted; round++) {
    console.log(`Round ${round} of ${rounds}. Two Chromium processes (the receiver on a persistent profile): raw and the stage ladder over one DataChannel`);
    await ladderRuns('two', round, link, two, sizes, LINES.has('ladder') ? ladderSizes : []);
    if (LINES.has('app')) {
      console.log('App (link → verified file)');
      await appRuns('two', round, 'app', two, sizes, app('hashed'));
      // For comparison: the receiver opens the link the moment it exists, while the sender still hashes.
      await appRuns('two', round, 'app-at-once', two, ladderSizes, app('at-once'));
    }
  }
  await link.close();
  if (LINES.has('cli')) {
    console.log('CLI → Chromium (p2p-vault send in Node → the receiving browser), once');
    await appRuns('two', 1, 'cli', { receiver: receiver.pid }, sizes, (file) => cliTransfer(newReceiverPage, server.url, file, runTimeoutMs(file.size)));
  }
  if (LINES.has('firefox')) {
    console.log('Firefox → Chromium (the app in firefox-esr sending to the receiving browser), once');
    const firefox = await launchFirefoxSender();
    await appRuns('two', 1, 'firefox', { sender: firefox.pid, receiver: receiver.pid }, sizes, (file) => firefoxTransfer(firefox.browser, newReceiverPage, server.url, file, runTimeoutMs(file.size)));
  }
  if (LINES.has('one')) {
    const single = await launchChromium();
    const one: Trees = { receiver: single.pid };
    const singleLink = await ladderBetween(await openPeer(single.browser, ladder.url), await openPeer(single.browser, ladder.url), ladder.url);
    const singleApp = (file: TempFile, picked: () => void) =>
      appTransfer(single.browser, () => openPeer(single.browser, server.url), server.url, file, runTimeoutMs(file.size), { picked });
    for (let round = 1; round <= rounds && !interrupted; round++) {
      console.log(`Round ${round} of ${rounds}. One Chromium, sender and receiver in two incognito contexts (OPFS in memory)`);
      await ladderRuns('one', round, singleLink, one, sizes, []);
      await appRuns('one', round, 'app', one, sizes, singleApp);
    }
    await singleLink.close();
  }

  if (interrupted) return 130; // the runs were cut short: no results to report
  const summary = summarize(runs);
  console.log(`\nResults, medians over ${rounds} round(s) (MB/s with 1 MB = 10^6 bytes; raw and ladder time = first send → last byte handled;`);
  console.log(`app time = receiver's channel open → every file verified (link → done in the JSON); CPU s/GiB = each browser's whole`);
  console.log(`process tree, from /proc; RSS = receiving browser's tree, peak; ×raw = against raw's median, same setup and size)\n`);
  console.log(lineTable(lines(runs)));
  console.log(`\nSummary:\n${summary.lines.map((l) => `  ${l}`).join('\n')}`);

  await mkdir('bench/results', { recursive: true });
  const path = `bench/results/transfer-${new Date().toISOString().replace(/:/g, '-')}.json`;
  await writeFile(path, `${JSON.stringify({ machine, sizesMiB: sizes, ladderMiB: ladderSizes, rounds, warmupMiB: WARMUP_MIB, mb: 1e6, lines: lines(runs), runs, summary }, null, 2)}\n`);
  console.log(`\nWrote ${path}`);
  return summary.failed ? 1 : 0;
}

main()
  .catch((error) => {
    console.error(error);
    return 1;
  })
  .then(async (code) => {
    await cleanUp();
    process.exit(code);
  });

