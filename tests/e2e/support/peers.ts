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

/** Picks the file (bytes, or a path on disk) on the sender page and returns the share link it shows. */
export async function shareFile(sender: Page, file: string | { name: string; mimeType: string; buffer: Buffer }): Promise<string> {
  await sender.goto('/');
  await sender.getByTestId('file-input').setInputFiles(file);
  await sender.getByTestId('share-button').click();
  const link = sender.getByTestId('share-link');
  await expect(link).toHaveValue(/\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$/);
  return link.inputValue();
}

/**
 * Clicks a receiver's download button — the only one, or the one for `path` when the
 * transfer has several files — and returns the saved bytes.
 */
export async function download(receiver: Page, path?: string): Promise<{ name: string; bytes: Buffer }> {
  const button = path ? receiver.getByRole('link', { name: `Download ${path}`, exact: true }) : receiver.getByTestId('download');
  const [file] = await Promise.all([receiver.waitForEvent('download'), button.click()]);
  return { name: file.suggestedFilename(), bytes: await readFile((await file.path())!) };
}
