// `npm run bench:transfer`: raw DataChannel baseline vs the real app, same sizes, same
// two-browser setup, in one run. Start it through scripts/bench-transfer.mjs, which
// builds the app and enters a private network namespace first.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import os from 'node:os';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { startServer } from '../tests/support/server-process';
import { CHROMIUM_PATH } from '../tests/e2e/support/env';
import { openPeer } from '../tests/e2e/support/peers';
import { appTransfer } from './app-transfer';
import { cliTransfer } from './cli-transfer';
import { cpuBusyPercent, monitorRun, type RunStats } from './procfs';
import { connectRaw, type RawLink } from './raw-channel';
import { runTable, summarize, type Run } from './report';
import { benchSizesMiB, MiB, randomTempFile, withTimeout } from './util';

const WARMUP_MIB = 16;
// Generous: a run fails on time only if it is slower than 1 MB/s (or takes over 10 min when small).
const runTimeoutMs = (bytes: number) => Math.max(10 * 60_000, bytes / 1000);
const CHROMIUM_ARGS = ['--allow-loopback-in-peer-connection', '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost'];

// Everything must stay on loopback: refuse to run where other interfaces exist.
const interfaces = Object.keys(os.networkInterfaces());
if (interfaces.some((name) => name !== 'lo')) {
  console.error(`Refusing to run outside a private network namespace (interfaces: ${interfaces.join(', ')}). Use: npm run bench:transfer`);
  process.exit(2);
}

const cleanups: (() => Promise<unknown>)[] = [];
let interrupted = false;
let cleaning: Promise<void> | undefined;
/** Runs once, however many paths (signal, normal end) ask for it. */
const cleanUp = () =>
  (cleaning ??= (async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => {});
  })());
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: closing the browsers and the server…`);
    void cleanUp().then(() => process.exit(code));
  });
}

async function launch(): Promise<{ browser: Browser; pid: number }> {
  // Playwright's own signal handlers would exit before our clean-up ran: ours close the browsers.
  const options = { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, host: '127.0.0.1', handleSIGINT: false, handleSIGTERM: false };
  const server = await chromium.launchServer(options);
  cleanups.push(() => server.close());
  const browser = await chromium.connect(server.wsEndpoint());
  return { browser, pid: server.process().pid! };
}

/**
 * The receiving browser runs on a persistent profile, as a person's browser does: an
 * incognito (off-the-record) profile keeps OPFS in memory, which would hide whether
 * received files really go to disk.
 */
async function launchReceiver(): Promise<{ context: BrowserContext; pid: number }> {
  const profile = await mkdtemp(join(os.tmpdir(), 'p2pvault-bench-profile-'));
  cleanups.push(() => rm(profile, { recursive: true, force: true }));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    permissions: ['camera', 'microphone'],
    handleSIGINT: false,
    handleSIGTERM: false,
  });
  cleanups.push(() => context.close());
  return { context, pid: await browserPid(profile) };
}

/** The browser process (not a child: no --type=) started with this profile folder. */
async function browserPid(profile: string): Promise<number> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const args = cmdline.split('\0');
    if (args.includes(`--user-data-dir=${profile}`) && !args.some((a) => a.startsWith('--type='))) return Number(entry);
  }
  throw new Error('receiving browser process not found');
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const toMiB = (bytes: number) => round(bytes / MiB, 1);
const mbPerS = (bytes: number, ms: number) => round(bytes / 1e6 / (ms / 1000), 2);
const fromStats = (s: RunStats) => ({ rssStartMiB: toMiB(s.startBytes), rssPeakMiB: toMiB(s.peakBytes), otherCpuPercent: s.otherCpuPercent });

async function rawRuns(link: RawLink, receiverPid: number, sizes: number[], runs: Run[]) {
  for (const [sizeMiB, warmup] of [[WARMUP_MIB, true] as const, ...sizes.map((s) => [s, false] as const)]) {
    const bytes = sizeMiB * MiB;
    const monitor = monitorRun(receiverPid);
    try {
      const elapsedMs = await link.transfer(bytes, runTimeoutMs(bytes));
      const stats = monitor.stop();
      runs.push({ kind: 'raw', warmup, sizeMiB, bytes, elapsedMs: round(elapsedMs, 1), mbPerS: mbPerS(bytes, elapsedMs), ...fromStats(stats) });
    } catch (error) {
      monitor.stop();
      runs.push({ kind: 'raw', warmup, sizeMiB, bytes, error: String(error) });
    }
    console.log(`  raw ${warmup ? 'warm-up ' : ''}${sizeMiB} MiB: ${runs.at(-1)!.error ?? `${runs.at(-1)!.mbPerS!.toFixed(1)} MB/s`}`);
  }
}

async function appRuns(sender: Browser, newReceiverPage: () => Promise<Page>, receiverPid: number, url: string, sizes: number[], runs: Run[]) {
  for (const [sizeMiB, warmup] of [[WARMUP_MIB, true] as const, ...sizes.map((s) => [s, false] as const)]) {
    const bytes = sizeMiB * MiB;
    const file = await randomTempFile(bytes);
    const monitor = monitorRun(receiverPid);
    try {
      const run = await appTransfer(sender, newReceiverPage, url, file, runTimeoutMs(bytes));
      const stats = monitor.stop();
      const hashOk = run.shownHash === file.sha256;
      if (!hashOk) console.error(`  ✗ HASH MISMATCH at ${sizeMiB} MiB: shown ${run.shownHash}, file ${file.sha256}`);
      const { elapsedMs, transferMs, channelOpenMs } = run;
      // Like the raw time (first send → last byte), the rate counts the transfer itself:
      // channel open → verified. Link → done (with page load and signaling) is kept too.
      const timedMs = transferMs ?? elapsedMs;
      runs.push({
        kind: 'app', warmup, sizeMiB, bytes, elapsedMs: round(timedMs, 1), linkToDoneMs: round(elapsedMs, 1),
        mbPerS: mbPerS(bytes, timedMs), ...fromStats(stats), channelOpenMs, hashOk,
      });
    } catch (error) {
      monitor.stop();
      runs.push({ kind: 'app', warmup, sizeMiB, bytes, error: String(error) });
    } finally {
      await file.remove();
    }
    console.log(`  app ${warmup ? 'warm-up ' : ''}${sizeMiB} MiB: ${runs.at(-1)!.error ?? `${runs.at(-1)!.mbPerS!.toFixed(1)} MB/s`}`);
  }
}

/** The command-line peer sends (Node, node-datachannel) to the same receiving Chromium as the app runs. */
async function cliRuns(newReceiverPage: () => Promise<Page>, receiverPid: number, url: string, sizes: number[], runs: Run[]) {
  for (const [sizeMiB, warmup] of [[WARMUP_MIB, true] as const, ...sizes.map((s) => [s, false] as const)]) {
    if (interrupted) return;
    const bytes = sizeMiB * MiB;
    const file = await randomTempFile(bytes);
    const monitor = monitorRun(receiverPid);
    try {
      const run = await cliTransfer(newReceiverPage, url, file, runTimeoutMs(bytes));
      const stats = monitor.stop();
      const hashOk = run.shownHash === file.sha256;
      if (!hashOk) console.error(`  ✗ HASH MISMATCH at ${sizeMiB} MiB (CLI → Chromium): shown ${run.shownHash}, file ${file.sha256}`);
      const { elapsedMs, transferMs, channelOpenMs } = run;
      const timedMs = transferMs ?? elapsedMs;
      runs.push({
        kind: 'cli', warmup, sizeMiB, bytes, elapsedMs: round(timedMs, 1), linkToDoneMs: round(elapsedMs, 1),
        mbPerS: mbPerS(bytes, timedMs), ...fromStats(stats), channelOpenMs, hashOk,
      });
    } catch (error) {
      monitor.stop();
      runs.push({ kind: 'cli', warmup, sizeMiB, bytes, error: String(error) });
    } finally {
      await file.remove();
    }
    const last = runs.at(-1)!;
    const raw = runs.find((r) => r.kind === 'raw' && !r.warmup && r.sizeMiB === sizeMiB)?.mbPerS;
    const ratio = !warmup && raw && last.mbPerS ? ` (${(last.mbPerS / raw).toFixed(2)} × raw)` : '';
    console.log(`  cli→chromium ${warmup ? 'warm-up ' : ''}${sizeMiB} MiB: ${last.error ?? `${last.mbPerS!.toFixed(1)} MB/s${ratio}`}`);
  }
}

async function main(): Promise<number> {
  const sizes = benchSizesMiB();
  const busyBefore = await cpuBusyPercent(1000);
  const server = await startServer({ ICE_SERVERS: '[]' });
  cleanups.push(() => server.stop());
  const sender = await launch();
  const receiver = await launchReceiver();
  const newReceiverPage = async () => {
    const page = await receiver.context.newPage();
    return page;
  };

  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    totalMemoryGiB: +(os.totalmem() / 1024 ** 3).toFixed(1),
    chromium: sender.browser.version(),
    node: process.version,
    cpuBusyPercentBeforeStart: busyBefore,
  };
  console.log(`\nMachine: ${machine.cpu} × ${machine.cpus} cores, ${machine.totalMemoryGiB} GiB RAM, Chromium ${machine.chromium}, Node ${machine.node}`);
  if (busyBefore > 20) {
    console.log(`⚠ The CPUs were ${busyBefore}% busy before the bench started: other work on this machine will depress the figures.`);
  }
  console.log(`Sizes: ${sizes.join(', ')} MiB (after a ${WARMUP_MIB} MiB warm-up each); sender and receiver in two Chromium processes (receiver on a persistent profile)\n`);

  const runs: Run[] = [];
  console.log('Raw DataChannel baseline (262144-byte messages, 8 MiB high / 2 MiB low water):');
  const [rawSender, rawReceiver] = [await openPeer(sender.browser, server.url), await newReceiverPage()];
  try {
    await Promise.all([rawSender.goto('/'), rawReceiver.goto(`${server.url}/`)]);
    const link = await withTimeout(connectRaw(rawSender, rawReceiver), 30_000, 'raw connect');
    await rawRuns(link, receiver.pid, sizes, runs);
    await link.close();
  } catch (error) {
    // Connecting (or closing) failed: every size without a result counts as failed.
    const missing = sizes.filter((sizeMiB) => !runs.some((r) => r.kind === 'raw' && !r.warmup && r.sizeMiB === sizeMiB));
    for (const sizeMiB of missing) runs.push({ kind: 'raw', warmup: false, sizeMiB, bytes: sizeMiB * MiB, error: String(error) });
  } finally {
    await Promise.allSettled([rawSender.context().close(), rawReceiver.close()]);
  }

  console.log('App (link → verified file):');
  await appRuns(sender.browser, newReceiverPage, receiver.pid, server.url, sizes, runs);

  console.log('CLI → Chromium (p2p-vault send in Node → the receiving browser; link → verified file):');
  await cliRuns(newReceiverPage, receiver.pid, server.url, sizes, runs);

  if (interrupted) return 130; // the runs were cut short: no results to report
  const summary = summarize(runs);
  console.log(`\nResults (MB/s with 1 MB = 10^6 bytes; RSS = receiving browser's whole process tree, sampled every 250 ms;`);
  console.log(`app time = receiver's channel open → every file verified (link → done in the JSON); raw time = first send → last byte received;`);
  console.log(`cli→chromium = the command-line peer sending to the same receiving browser, timed like app)\n`);
  console.log(runTable(runs));
  console.log(`\nSummary:\n${summary.lines.map((l) => `  ${l}`).join('\n')}`);

  await mkdir('bench/results', { recursive: true });
  const path = `bench/results/transfer-${new Date().toISOString().replace(/:/g, '-')}.json`;
  await writeFile(path, `${JSON.stringify({ machine, sizesMiB: sizes, warmupMiB: WARMUP_MIB, mb: 1e6, runs, summary }, null, 2)}\n`);
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
