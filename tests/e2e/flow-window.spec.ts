import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { expect, test } from './support/test';
import { cliSend, stopCliPeers } from './support/cli-peer';
import { download, openPeer } from './support/peers';
import { tempDir, writeRandomFile } from './support/temp-files';

// A receiver whose disk (here: its decryption) is slower than the link. An honest
// sender waits for acknowledgements and the file arrives; a sender that ignores the
// flow window is stopped with protocol_violation once twice the window is
// unacknowledged, and the receiving browser's memory stays bounded meanwhile.

const MiB = 1024 * 1024;
const HOSTILE_SENDER = join(import.meta.dirname, 'support/window-ignoring-sender.mjs');
/** One decryption at a time, each held this long: about 6 MiB/s with 256 KiB chunks, below the link. */
const DECRYPT_DELAY_MS = 40;

test.describe.configure({ timeout: 90_000 });
const dirs: { remove: () => Promise<void> }[] = [];
test.afterEach(async () => {
  await stopCliPeers();
  await Promise.all(dirs.splice(0).map((dir) => dir.remove()));
});

/** A receiving page whose workers decrypt one chunk at a time, slowly; returns how many decryptions ran. */
async function slowReceiver(browser: Browser, baseURL: string): Promise<{ page: Page; decryptions: () => Promise<number> }> {
  const page = await openPeer(browser, baseURL);
  const patched: Promise<unknown>[] = [];
  const workers: import('@playwright/test').Worker[] = [];
  page.on('worker', (worker) => {
    workers.push(worker);
    patched.push(
      worker.evaluate((delay) => {
        const subtle = globalThis.crypto.subtle;
        const decrypt = subtle.decrypt.bind(subtle);
        let queue: Promise<unknown> = Promise.resolve();
        const counter = globalThis as unknown as { slowDecryptions: number };
        counter.slowDecryptions = 0;
        subtle.decrypt = (...args: Parameters<SubtleCrypto['decrypt']>) => {
          const run = queue.then(() => new Promise((resolve) => setTimeout(resolve, delay))).then(() => {
            counter.slowDecryptions++;
            return decrypt(...args);
          });
          queue = run.catch(() => {});
          return run;
        };
      }, DECRYPT_DELAY_MS),
    );
  });
  return {
    page,
    decryptions: async () => {
      await Promise.all(patched);
      const counts = await Promise.all(workers.map((w) => w.evaluate(() => (globalThis as unknown as { slowDecryptions?: number }).slowDecryptions ?? 0).catch(() => 0)));
      return counts.reduce((a, b) => a + b, 0);
    },
  };
}

/** Summed resident memory of the browser's renderer processes (the page and its workers live there). */
async function rendererRss(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    return processInfo
      .filter((p) => p.type === 'renderer')
      .reduce((sum, p) => {
        try {
          const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p.id}/status`, 'utf8'));
          return sum + Number(kb?.[1] ?? 0) * 1024;
        } catch {
          return sum; // the process ended
        }
      }, 0);
  } finally {
    await cdp.detach();
  }
}

test('an honest sender feeds a receiver slower than the link: the window holds it back and the file arrives', async ({ browser, baseURL }) => {
  const dir = await tempDir();
  dirs.push(dir);
  const path = join(dir.path, 'steady.bin');
  const expected = await writeRandomFile(path, 48 * MiB);
  const sender = cliSend([path], { server: baseURL! });
  const receiver = await slowReceiver(browser, baseURL!);
  await receiver.page.goto(await sender.link);
  await expect(receiver.page.getByTestId('status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(receiver.page.getByTestId('file-hash')).toHaveText(expected);
  expect((await download(receiver.page)).name).toBe('steady.bin');
  // Every chunk went through the slowed decryption: the receiver really was the slower side.
  expect(await receiver.decryptions()).toBeGreaterThanOrEqual(48 * 4);
  expect((await sender.exit).code).toBe(0);
});

test('a sender that ignores the flow window is stopped with protocol_violation, and the receiver holds at most about twice the window', async ({ browser, baseURL }) => {
  const dir = await tempDir();
  dirs.push(dir);
  const path = join(dir.path, 'flood.bin');
  await writeRandomFile(path, 512 * MiB);
  const sender = cliSend([path], { server: baseURL!, script: HOSTILE_SENDER });
  const receiver = await slowReceiver(browser, baseURL!);
  await receiver.page.goto(await sender.link);
  // From the first chunk on: the page, its worker and their code are loaded by then.
  await expect(receiver.page.getByTestId('status')).toHaveAttribute('data-status', 'receiving');
  const baseline = await rendererRss(browser);

  let peak = baseline;
  const error = receiver.page.getByTestId('error');
  await expect(async () => {
    peak = Math.max(peak, await rendererRss(browser));
    await expect(error).toHaveAttribute('data-code', 'protocol_violation', { timeout: 250 });
  }).toPass({ timeout: 60_000, intervals: [250] });
  await expect(receiver.page.getByTestId('status')).toHaveAttribute('data-status', 'error');
  await expect(error).toContainText('The other browser broke the transfer protocol.');
  expect(await receiver.decryptions()).toBeGreaterThan(0);

  // The sender learns why: the receiver's error frame names the violation.
  const exit = await sender.exit;
  expect(exit.code, exit.stderr).toBe(1);
  expect(exit.stderr).toContain('error protocol_violation: recipient 1: The other browser broke the transfer protocol.');
  // Twice the 16 MiB window is 32 MiB of ciphertext at most, plus what decrypts; the
  // flood itself (512 MiB at the link's speed) never reached memory.
  const grew = (peak - baseline) / MiB;
  console.log(`receiver renderers grew by ${grew.toFixed(0)} MiB under the flood`);
  expect(grew).toBeLessThan(96);
});
