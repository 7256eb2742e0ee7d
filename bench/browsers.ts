import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from '@playwright/test';
import { CHROMIUM_PATH } from '../tests/e2e/support/env';

// The browsers a bench runs, and the clean-up that closes them however the run ends.

const CHROMIUM_ARGS = ['--allow-loopback-in-peer-connection', '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost'];

const cleanups: (() => Promise<unknown>)[] = [];
let cleaning: Promise<void> | undefined;

/** Runs `step` at clean-up, after everything registered later. */
export function onCleanUp(step: () => Promise<unknown>): void {
  cleanups.push(step);
}

/** Runs once, however many paths (signal, normal end) ask for it. */
export const cleanUp = () =>
  (cleaning ??= (async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => {});
  })());

/** A Chromium of its own process tree (`pid` is its browser process), for incognito contexts. */
export async function launchChromium(): Promise<{ browser: Browser; pid: number }> {
  // Playwright's own signal handlers would exit before our clean-up ran: ours close the browsers.
  const options = { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, host: '127.0.0.1', handleSIGINT: false, handleSIGTERM: false };
  const server = await chromium.launchServer(options);
  onCleanUp(() => server.close());
  const browser = await chromium.connect(server.wsEndpoint());
  return { browser, pid: server.process().pid! };
}

/**
 * A Chromium on a persistent profile, as a person's browser is: an incognito
 * (off-the-record) profile keeps OPFS in memory, which would hide whether received
 * files really go to disk.
 */
export async function launchPersistentChromium(): Promise<{ context: BrowserContext; pid: number }> {
  const profile = await mkdtemp(join(os.tmpdir(), 'p2pvault-bench-profile-'));
  onCleanUp(() => rm(profile, { recursive: true, force: true }));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    permissions: ['camera', 'microphone'],
    handleSIGINT: false,
    handleSIGTERM: false,
  });
  onCleanUp(() => context.close());
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
