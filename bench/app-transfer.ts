import type { Browser, Page } from '@playwright/test';
import { openPeer } from '../tests/e2e/support/peers';
import { withTimeout, type TempFile } from './util';

// One run of the real product: pick the file on the sender, open its link on the
// receiver, wait until both sides say "done", check the hash the receiver shows.
// Fresh contexts each time: a share link is good for one session only.

export interface AppRun {
  /** From the receiver's goto(link) to its status turning "done". */
  elapsedMs: number;
  /** From the receiver's DataChannel opening to every file verified (its own marks); null if absent. */
  transferMs: number | null;
  /** performance.mark('p2pvault:channel-open') on the receiver, ms after link open; null if absent. */
  channelOpenMs: number | null;
  shownHash: string;
}

/** Waits until the page's data-status is "done"; throws on "error" or a crash. */
export async function settledStatus(page: Page, who: string, timeoutMs: number): Promise<void> {
  const crashed = new Promise<never>((_, reject) => page.once('crash', () => reject(new Error(`${who} page crashed`))));
  crashed.catch(() => {}); // a crash after the race is over must not become an unhandled rejection
  // tsx compiles with esbuild's keepNames, which wraps inner functions in `__name(...)`;
  // the page has no such helper.
  await page.evaluate('globalThis.__name ??= (fn) => fn');
  // Event-driven, not polled: a poll every few ms would be CPU the transfer competes with.
  const settled = page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const check = () => {
          const status = document.querySelector('[data-testid="status"]')?.getAttribute('data-status');
          if (status === 'done' || status === 'error') {
            observer.disconnect();
            resolve(status);
          }
        };
        const observer = new MutationObserver(check);
        observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
        check();
      }),
  );
  const status = await Promise.race([withTimeout(settled, timeoutMs, `${who} to finish`), crashed]);
  if (status === 'error') {
    const error = page.getByTestId('error');
    const detail = (await error.count()) ? `${await error.getAttribute('data-code')}: ${await error.innerText()}` : 'no error shown';
    throw new Error(`${who} reported an error (${detail})`);
  }
}

/**
 * When the receiver opens the link. `hashed`: once the sender's page shows the file's
 * SHA-256, as when a person passes the link on and the other opens it a little later
 * (the sender hashes each file once, from the moment it is chosen). `at-once`: the
 * moment the link exists, so the sender's hashing runs beside the transfer.
 */
export type OpenWhen = 'hashed' | 'at-once';

export interface AppTransferOptions {
  openWhen?: OpenWhen;
  /** Called once the sender's page holds the file, as a person's picked file (the copy in is not the app's work). */
  picked?: () => void;
}

export async function appTransfer(
  senderBrowser: Browser,
  newReceiverPage: () => Promise<Page>,
  url: string,
  file: TempFile,
  timeoutMs: number,
  { openWhen = 'hashed', picked }: AppTransferOptions = {},
): Promise<AppRun> {
  const sender = await openPeer(senderBrowser, url);
  const receiver = await newReceiverPage();
  try {
    await sender.goto('/');
    // With a connected (remote) browser Playwright copies the file over first: not timed.
    await sender.getByTestId('file-input').setInputFiles(file.path, { timeout: timeoutMs });
    picked?.();
    await sender.getByTestId('share-button').click();
    const linkInput = sender.getByTestId('share-link');
    const hasLink = () => /\/s\/[^#]+#.+$/.test(document.querySelector<HTMLInputElement>('[data-testid="share-link"]')?.value ?? '');
    await sender.waitForFunction(hasLink, undefined, { timeout: 60_000 });
    const link = await linkInput.inputValue();
    if (openWhen === 'hashed') {
      const hashed = sender.getByTestId('sent-file-hash');
      await hashed.waitFor({ timeout: timeoutMs });
      const senderHash = (await hashed.innerText()).trim();
      if (senderHash !== file.sha256) throw new Error(`the sender shows SHA-256 ${senderHash}, the file's is ${file.sha256}`);
    }

    const run = await receiveLink(receiver, link, timeoutMs);
    await settledStatus(sender, 'sender', 60_000);
    return run;
  } finally {
    // Closing the receiver page deletes its received file from OPFS (pagehide).
    await Promise.allSettled([sender.context().close(), receiver.close()]);
  }
}

/** Opens `link` on the receiver page, waits until every file verified, and reads its marks and shown hash. */
export async function receiveLink(receiver: Page, link: string, timeoutMs: number): Promise<AppRun> {
  const start = performance.now();
  await receiver.goto(link);
  await settledStatus(receiver, 'receiver', timeoutMs);
  const elapsedMs = performance.now() - start;

  const [open, done] = await receiver.evaluate(() =>
    ['p2pvault:channel-open', 'p2pvault:done'].map((name) => performance.getEntriesByName(name)[0]?.startTime ?? null),
  );
  const shownHash = (await receiver.getByTestId('file-hash').innerText()).trim();
  const transferMs = open != null && done != null ? done - open : null;
  return { elapsedMs, transferMs, channelOpenMs: open ?? null, shownHash };
}
