import type { Page } from '@playwright/test';
import { cliSend } from '../tests/e2e/support/cli-peer';
import { receiveLink, type AppRun } from './app-transfer';
import { withTimeout, type TempFile } from './util';

// One run of the command-line peer as sender (bin/p2p-vault.mjs: Node, node-datachannel)
// to the same receiving Chromium the app runs use: `p2p-vault send` prints the link,
// the page opens it and verifies the file, the CLI exits 0 once the page confirmed.
// Timed like an app run, by the receiving page's own marks (channel open → done).

export async function cliTransfer(newReceiverPage: () => Promise<Page>, url: string, file: TempFile, timeoutMs: number): Promise<AppRun> {
  const sender = cliSend([file.path], { server: url, args: ['--quiet'] });
  const receiver = await newReceiverPage();
  try {
    const link = await withTimeout(sender.link, 60_000, 'p2p-vault send: link');
    const run = await receiveLink(receiver, link, timeoutMs);
    const exit = await withTimeout(sender.exit, 60_000, 'p2p-vault send: exit');
    if (exit.code !== 0) throw new Error(`p2p-vault send exited ${exit.code ?? exit.signal}: ${exit.stderr.trim()}`);
    return run;
  } finally {
    // Closing the receiver page deletes its received file from OPFS (pagehide).
    await Promise.allSettled([sender.kill(), receiver.close()]);
  }
}
