import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser as FirefoxBrowser } from 'puppeteer-core';
import { expect, test as base } from './support/test';
import { download, openPeer, sha256, shareFile } from './support/peers';
import {
  downloadInFirefox,
  launchFirefox,
  openFirefoxPeer,
  receiveInFirefox,
  shareFileFromFirefox,
  textOf,
  waitForAttribute,
  type FirefoxPeer,
} from './support/firefox';
import { cliReceive, cliSend, stopCliPeers } from './support/cli-peer';
import { sha256OfFile, tempDir, writeRandomFile } from './support/temp-files';

const SIZE = 5 * 1024 * 1024;

// One Firefox for this file (launching it takes seconds, more than 10 on a busy
// machine), closed after its last test so no idle browser outlives it. Each test gets a
// folder for its files and a Firefox context of its own, whose downloads go to an empty
// folder. (`provide` is Playwright's `use`, renamed so the React hooks lint rule does
// not mistake it for React's.)
let firefox: FirefoxBrowser | undefined;

const test = base.extend<{ files: string; firefoxPeer: FirefoxPeer }>({
  files: async ({}, provide) => {
    const dir = await tempDir();
    try {
      await provide(dir.path);
    } finally {
      await dir.remove();
    }
  },
  firefoxPeer: async ({ files }, provide, testInfo) => {
    const downloads = join(files, 'downloads');
    await mkdir(downloads);
    const peer = await openFirefoxPeer(firefox!, downloads);
    try {
      await provide(peer);
    } finally {
      if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('firefox console', { body: peer.log.join('\n') });
      await peer.context.close().catch(() => {});
    }
  },
});

test.describe('Firefox ↔ Chromium and Firefox ↔ the CLI: encrypted P2P transfer both ways', () => {
  test.setTimeout(60_000);
  test.beforeAll(async () => {
    firefox = await launchFirefox();
  });
  test.afterAll(async () => {
    await firefox?.close();
    firefox = undefined;
  });

  test('Chromium sends, Firefox receives a 5 MB file byte-identical', async ({ browser, baseURL, firefoxPeer, files }) => {
    // A path, not a buffer: Playwright would copy the bytes through its protocol as base64.
    const path = join(files, 'from-chromium.bin');
    const expected = await writeRandomFile(path, SIZE);
    const sender = await openPeer(browser, baseURL!);
    const link = await shareFile(sender, path);
    await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'waiting');

    await receiveInFirefox(firefoxPeer.page, link);
    expect(await textOf(firefoxPeer.page, 'file-hash')).toBe(expected);
    await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'done');

    const saved = await downloadInFirefox(firefoxPeer, SIZE);
    expect(saved.name).toBe('from-chromium.bin');
    expect(sha256(saved.bytes)).toBe(expected);
  });

  test('Firefox sends, Chromium receives a 5 MB file byte-identical', async ({ browser, baseURL, firefoxPeer, files }) => {
    const path = join(files, 'from-firefox.bin');
    const expected = await writeRandomFile(path, SIZE);
    const link = await shareFileFromFirefox(firefoxPeer.page, baseURL!, path);
    await waitForAttribute(firefoxPeer.page, 'status', 'data-status', 'waiting');

    const receiver = await openPeer(browser, baseURL!);
    await receiver.goto(link);
    await expect(receiver.getByTestId('download')).toBeVisible({ timeout: 45_000 });
    await expect(receiver.getByTestId('status')).toHaveAttribute('data-status', 'done');
    await expect(receiver.getByTestId('file-hash')).toHaveText(expected);
    await waitForAttribute(firefoxPeer.page, 'status', 'data-status', 'done');

    const saved = await download(receiver);
    expect(saved.name).toBe('from-firefox.bin');
    expect(sha256(saved.bytes)).toBe(expected);
  });

  test('the CLI sends, Firefox receives byte-identical', async ({ baseURL, firefoxPeer, files }) => {
    const path = join(files, 'from-cli.bin');
    const expected = await writeRandomFile(path, SIZE);
    const sender = cliSend([path], { server: baseURL! });
    try {
      await receiveInFirefox(firefoxPeer.page, await sender.link);
      expect(await textOf(firefoxPeer.page, 'file-hash')).toBe(expected);
      const saved = await downloadInFirefox(firefoxPeer, SIZE);
      expect(sha256(saved.bytes)).toBe(expected);
      expect((await sender.exit).code).toBe(0);
    } finally {
      await stopCliPeers();
    }
  });

  test('Firefox sends with a short code, the CLI receives it byte-identical', async ({ baseURL, firefoxPeer, files }) => {
    const path = join(files, 'spoken.bin');
    const expected = await writeRandomFile(path, SIZE);
    const page = firefoxPeer.page;
    await page.goto(new URL('/', baseURL!).href);
    const input = await page.waitForSelector('input[data-testid="file-input"]');
    await input!.uploadFile(path);
    await page.click('[data-testid="make-code"]');
    await (await page.waitForSelector('[data-testid="share-button"]:not([disabled])'))!.click();
    const shown = await page.waitForFunction(
      () => {
        const text = document.querySelector('[data-testid="share-code"]')?.textContent ?? '';
        return /^\d+-[a-z]+-[a-z]+-[a-z]+$/.test(text) ? text : null;
      },
      { polling: 100 },
    );
    const code = (await shown.jsonValue()) as string;

    const out = join(files, 'out');
    await mkdir(out);
    try {
      const received = await cliReceive(code, out, { server: baseURL!, args: ['--yes'] });
      expect(received.code, received.stderr).toBe(0);
      expect(await readdir(out)).toEqual(['spoken.bin']);
      expect(await sha256OfFile(join(out, 'spoken.bin'))).toBe(expected);
      await waitForAttribute(page, 'status', 'data-status', 'done');
    } finally {
      await stopCliPeers();
    }
  });
});
