import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, type Browser, type Page } from '@playwright/test';

/**
 * A browser context as one person's browser. Camera/microphone permission makes
 * Chromium expose raw host candidates (127.0.0.1) instead of mDNS names, which is
 * what lets two peers connect inside the test's network namespace.
 */
export async function openPeer(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, permissions: ['camera', 'microphone'], acceptDownloads: true });
  return context.newPage();
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export function randomFile(size: number, name = 'random.bin') {
  return { name, mimeType: 'application/octet-stream', buffer: randomBytes(size) };
}

/** Picks the file on the sender page and returns the share link it shows. */
export async function shareFile(sender: Page, file: { name: string; mimeType: string; buffer: Buffer }): Promise<string> {
  await sender.goto('/');
  await sender.getByTestId('file-input').setInputFiles(file);
  const link = sender.getByTestId('share-link');
  await expect(link).toHaveValue(/\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$/);
  return link.inputValue();
}

/** Clicks the receiver's download button and returns the saved bytes. */
export async function download(receiver: Page): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([receiver.waitForEvent('download'), receiver.getByTestId('download').click()]);
  return { name: file.suggestedFilename(), bytes: await readFile((await file.path())!) };
}
