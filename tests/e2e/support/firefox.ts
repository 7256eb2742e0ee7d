import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';

// Debian's firefox-esr driven by puppeteer-core over WebDriver BiDi (Playwright's
// Firefox needs its own patched build). See shared/design/testing.md, "Firefox".

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/lib/firefox-esr/firefox-esr';

/** How long a page may take to reach a state (the spec's own timeout is larger). */
const WAIT_MS = 45_000;

export async function launchFirefox(): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    extraPrefsFirefox: {
      // Gather a host candidate on 127.0.0.1: the namespace has nothing else.
      'media.peerconnection.ice.loopback': true,
      // Without camera or microphone permission Firefox gathers no candidate at all
      // (and tells the page nothing).
      'permissions.default.camera': 1,
      'permissions.default.microphone': 1,
    },
    // Only for this browser process, not the test run: no connection leaves loopback.
    env: { ...process.env, MOZ_DISABLE_NONLOCAL_CONNECTIONS: '1' },
  });
}

/** One person's Firefox: its own context, whose downloads are saved silently into `downloadPath`. */
export interface FirefoxPeer {
  context: BrowserContext;
  page: Page;
  downloadPath: string;
  /** The page's console messages and uncaught errors, to attach when a test fails. */
  log: string[];
}

export async function openFirefoxPeer(browser: Browser, downloadPath: string): Promise<FirefoxPeer> {
  const context = await browser.createBrowserContext({ downloadBehavior: { policy: 'allow', downloadPath } });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  const log: string[] = [];
  page.on('console', (message) => log.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => log.push(`pageerror: ${String(error)}`));
  return { context, page, downloadPath, log };
}

/** Waits until the `data-testid` element's `attribute` equals `value`. */
export async function waitForAttribute(page: Page, testId: string, attribute: string, value: string): Promise<void> {
  await page.waitForFunction(
    (selector, name, expected) => document.querySelector(selector)?.getAttribute(name) === expected,
    { polling: 100 },
    `[data-testid="${testId}"]`,
    attribute,
    value,
  );
}

export async function textOf(page: Page, testId: string): Promise<string> {
  return page.$eval(`[data-testid="${testId}"]`, (element) => element.textContent ?? '');
}

/** Picks the file at `path` on the Firefox page and returns the share link it shows. */
export async function shareFileFromFirefox(page: Page, baseURL: string, path: string): Promise<string> {
  await page.goto(new URL('/', baseURL).href);
  // The input exists only once the page is hydrated and listening to it.
  const input = await page.waitForSelector('input[data-testid="file-input"]');
  await input!.uploadFile(path);
  const share = await page.waitForSelector('[data-testid="share-button"]:not([disabled])');
  await share!.click();
  const link = await page.waitForFunction(
    () => {
      const value = document.querySelector<HTMLInputElement>('[data-testid="share-link"]')?.value ?? '';
      return /\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
    },
    { polling: 100 },
  );
  return (await link.jsonValue()) as string;
}

/** Opens `link` in Firefox and waits until the transfer is verified and offers its download. */
export async function receiveInFirefox(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.waitForSelector('[data-testid="download"]');
  await waitForAttribute(page, 'status', 'data-status', 'done');
}

/**
 * Clicks the download button and returns the saved file once Firefox has finished
 * writing it: no `*.part` file is left beside it and the file has its `size` (Firefox
 * reserves the name with an empty file before the data arrives in the `.part`).
 */
export async function downloadInFirefox(peer: FirefoxPeer, size: number): Promise<{ name: string; bytes: Buffer }> {
  const name = await peer.page.$eval('[data-testid="download"]', (a) => a.getAttribute('download') ?? '');
  // A file of that name already there would be taken for the download (Firefox would save as "name(1)").
  if ((await readdir(peer.downloadPath)).includes(name)) throw new Error(`${name} is already in ${peer.downloadPath}`);
  await peer.page.click('[data-testid="download"]');
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const entries = await readdir(peer.downloadPath);
    if (entries.includes(name) && !entries.some((entry) => entry.endsWith('.part'))) {
      const saved = await stat(join(peer.downloadPath, name));
      if (saved.size === size) return { name, bytes: await readFile(join(peer.downloadPath, name)) };
    }
    if (Date.now() > deadline) throw new Error(`download of ${name} (${size} bytes) not finished in ${peer.downloadPath}: ${entries.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
