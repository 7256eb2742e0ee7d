import { join } from 'node:path';
import { expect, test, type Page } from './support/test';
import { connectionProbe } from './support/connection-probe';
import { frameValve } from './support/frame-valve';
import { download, openPeer, randomFile, sha256 } from './support/peers';
import { sha256OfFile, tempDir, writeRandomFile } from './support/temp-files';

// One link, several receivers: each gets its own PeerConnection, keys and progress
// row on the sender's page; the link's limit holds; one can be stopped alone.

type Upload = Parameters<Page['setInputFiles']>[1];

/** Picks how many receivers the link admits, then the file; returns the link. */
async function shareWithLimit(sender: Page, file: Upload, limit: number): Promise<string> {
  await sender.goto('/');
  await sender.getByRole('combobox', { name: 'Recipients' }).selectOption(String(limit));
  await sender.getByTestId('file-input').setInputFiles(file);
  await sender.getByTestId('share-button').click();
  const link = sender.getByTestId('share-link');
  await expect(link).toHaveValue(/\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$/);
  return link.inputValue();
}

const row = (sender: Page, n: number) => sender.getByRole('listitem', { name: `Receiver ${n}`, exact: true });

async function rowPercent(sender: Page, n: number): Promise<number> {
  const progress = row(sender, n).getByTestId('receiver-progress');
  return (await progress.count()) === 0 ? 0 : Number(await progress.getAttribute('aria-valuenow'));
}

test('two receivers on one link both get the file byte-identical, each with its own connection, keys and progress', async ({ browser, baseURL }) => {
  const sender = await openPeer(browser, baseURL!);
  const first = await openPeer(browser, baseURL!);
  const second = await openPeer(browser, baseURL!);
  const senderProbe = await connectionProbe(sender);
  const firstProbe = await connectionProbe(first);
  const secondProbe = await connectionProbe(second);
  const file = randomFile(8 * 1024 * 1024);

  const link = await shareWithLimit(sender, file, 2);
  await Promise.all([first.goto(link), second.goto(link)]);

  for (const receiver of [first, second]) {
    await expect(receiver.getByTestId('download')).toBeVisible({ timeout: 60_000 });
    await expect(receiver.getByTestId('file-hash')).toHaveText(sha256(file.buffer));
    expect(Buffer.compare((await download(receiver)).bytes, file.buffer)).toBe(0);
  }
  await expect(sender.getByTestId('receiver-row')).toHaveCount(2);
  for (const n of [1, 2]) {
    await expect(row(sender, n)).toHaveAttribute('data-status', 'done');
    await expect(row(sender, n).getByTestId('receiver-progress')).toHaveAttribute('aria-valuenow', '100');
  }
  await expect(sender.getByTestId('receivers-done')).toHaveText('2 of 2 done');
  await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(sender.getByTestId('progress')).toHaveAttribute('aria-valuenow', '100');

  // One PeerConnection per receiver, each with certificates and ECDH keys of its own
  // on both ends: what one receiver holds opens nothing of the other's transfer.
  const senderSide = await senderProbe.connections();
  const receiverSides = [...(await firstProbe.connections()), ...(await secondProbe.connections())];
  expect(senderSide).toHaveLength(2);
  expect(receiverSides).toHaveLength(2);
  const fingerprints = senderSide.flatMap((c) => [...c.local, ...c.remote]);
  expect(new Set(fingerprints).size).toBe(4);
  for (const side of receiverSides) {
    expect(senderSide).toContainEqual({ local: side.remote, remote: side.local });
  }
  const senderKeys = await senderProbe.ownKeys();
  const receiverKeys = [...(await firstProbe.ownKeys()), ...(await secondProbe.ownKeys())];
  expect(senderKeys).toHaveLength(2);
  expect(receiverKeys).toHaveLength(2);
  expect(new Set([...senderKeys, ...receiverKeys]).size).toBe(4);
  expect([...(await senderProbe.peerKeys())].sort()).toEqual([...receiverKeys].sort());

  // Every slot done: the sender ended the session and the link admits no one else.
  const late = await openPeer(browser, baseURL!);
  expect((await late.goto(link))?.status()).toBe(404);
});

test('a third receiver is refused when the limit is two, and the two transfers are unaffected', async ({ browser, baseURL }) => {
  const sender = await openPeer(browser, baseURL!);
  const first = await openPeer(browser, baseURL!);
  const second = await openPeer(browser, baseURL!);
  const third = await openPeer(browser, baseURL!);
  const file = randomFile(8 * 1024 * 1024);
  // The first receiver stalls mid-transfer until released, so both slots are surely
  // held (and the session open) when the third arrives.
  const valve = await frameValve(first, 8);

  const link = await shareWithLimit(sender, file, 2);
  await first.goto(link);
  await expect(row(sender, 1)).toHaveAttribute('data-status', 'sending');
  await second.goto(link);
  await expect(row(sender, 2)).toBeVisible();

  await third.goto(link);
  const refused = third.getByTestId('error');
  await expect(refused).toHaveAttribute('data-code', 'full');
  await expect(refused).toContainText('as many recipients as the sender allowed');
  await expect(third.getByTestId('download')).toHaveCount(0);
  await expect(sender.getByTestId('receiver-row')).toHaveCount(2);

  await valve.release();
  for (const receiver of [first, second]) {
    await expect(receiver.getByTestId('download')).toBeVisible({ timeout: 60_000 });
    expect(Buffer.compare((await download(receiver)).bytes, file.buffer)).toBe(0);
  }
  await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'done');
});

test('stopping one receiver ends only its transfer, with a clear message; the other completes', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const dir = await tempDir();
  try {
    const path = join(dir.path, 'archive.bin');
    const expected = await writeRandomFile(path, 40 * 1_000_000);
    const sender = await openPeer(browser, baseURL!);
    const stopped = await openPeer(browser, baseURL!);
    const other = await openPeer(browser, baseURL!);
    // The receiver to stop takes a few MB, then stalls: the stop certainly lands mid-transfer.
    await frameValve(stopped, 24);

    const link = await shareWithLimit(sender, path, 2);
    await stopped.goto(link);
    await expect(row(sender, 1)).toBeVisible();
    await other.goto(link);

    await expect.poll(() => rowPercent(sender, 1), { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await rowPercent(sender, 1)).toBeLessThan(100);
    await sender.getByRole('button', { name: 'Stop receiver 1' }).click();

    await expect(row(sender, 1)).toHaveAttribute('data-status', 'stopped');
    await expect(sender.getByRole('button', { name: 'Stop receiver 1' })).toHaveCount(0);
    const error = stopped.getByTestId('error');
    await expect(error).toHaveAttribute('data-code', 'cancelled');
    await expect(error).toContainText('The sender stopped the transfer to this browser');
    await expect(stopped.getByTestId('download')).toHaveCount(0);

    await expect(other.getByTestId('download')).toBeVisible({ timeout: 120_000 });
    await expect(row(sender, 2)).toHaveAttribute('data-status', 'done');
    await expect(row(sender, 2).getByTestId('receiver-progress')).toHaveAttribute('aria-valuenow', '100');
    const [file] = await Promise.all([other.waitForEvent('download'), other.getByTestId('download').click()]);
    const saved = join(dir.path, 'saved.bin');
    await file.saveAs(saved);
    expect(await sha256OfFile(saved)).toBe(expected);
    // The stopped receiver's slot is free again; one of two is done.
    await expect(sender.getByTestId('receivers-done')).toHaveText('1 of 2 done');
    await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'waiting');
  } finally {
    await dir.remove();
  }
});
