import type { Page } from '@playwright/test';
import type { Browser } from 'puppeteer-core';
import { launchFirefox, shareFileFromFirefox, waitForAttribute } from '../tests/e2e/support/firefox';
import { receiveLink, type AppRun } from './app-transfer';
import { onCleanUp } from './browsers';
import type { TempFile } from './util';

// The app in Debian's firefox-esr (driven over WebDriver BiDi, as the e2e suite does)
// sending to the same receiving Chromium as the app runs, timed like them by the
// receiving page's own marks.

export async function launchFirefoxSender(): Promise<{ browser: Browser; pid: number }> {
  const browser = await launchFirefox();
  onCleanUp(() => browser.close());
  return { browser, pid: browser.process()!.pid! };
}

export async function firefoxTransfer(browser: Browser, newReceiverPage: () => Promise<Page>, url: string, file: TempFile, timeoutMs: number): Promise<AppRun> {
  // A share link is good for one session only: a fresh context each time.
  const context = await browser.createBrowserContext();
  const receiver = await newReceiverPage();
  try {
    const sender = await context.newPage();
    sender.setDefaultTimeout(timeoutMs);
    const link = await shareFileFromFirefox(sender, url, file.path);
    const run = await receiveLink(receiver, link, timeoutMs);
    await waitForAttribute(sender, 'status', 'data-status', 'done');
    return run;
  } finally {
    // Closing the receiver page deletes its received file from OPFS (pagehide).
    await Promise.allSettled([context.close(), receiver.close()]);
  }
}
