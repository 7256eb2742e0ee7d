import { expect, test } from './support/test';
import { join } from 'node:path';
import { frameValve } from './support/frame-valve';
import { download, openPeer, sha256, shareFile } from './support/peers';
import { rtcProbe } from './support/rtc-probe';
import { tempDir, writeRandomFile } from './support/temp-files';

// Connections drop on real networks. These tests break a running transfer's
// PeerConnection for real and check what both people see, and what went over the wire.

const SIZE = 50 * 1024 * 1024;

test('a 50 MB transfer resumes after the receiver’s connection fails, byte-identical, sending only the rest again', async ({ browser, baseURL }) => {
  const dir = await tempDir();
  try {
    const path = join(dir.path, 'fifty.bin');
    const digest = await writeRandomFile(path, SIZE);
    const sender = await openPeer(browser, baseURL!);
    const senderProbe = await rtcProbe(sender);
    const link = await shareFile(sender, path);

    const receiver = await openPeer(browser, baseURL!);
    const receiverProbe = await rtcProbe(receiver);
    // About half the file reaches the receiver's worker; the rest waits, so the drop lands mid-transfer.
    const valve = await frameValve(receiver, 100);
    await receiver.goto(link);
    await expect(receiver.getByTestId('progress')).toHaveAttribute('aria-valuenow', /^(4[0-9]|5[0-5])$/, { timeout: 60_000 });

    expect(await receiverProbe.closeConnections()).toBe(1);
    const droppedAt = Date.now();
    // Frames held back belong to the dead connection; the new one must flow freely.
    await valve.release();
    // Both sides notice and restore the connection by themselves.
    await expect(sender.getByTestId('receiver-row').getByTestId('resumed')).toBeVisible({ timeout: 30_000 });
    test.info().annotations.push({ type: 'resumed after', description: `${Date.now() - droppedAt} ms` });
    await expect(receiver.getByTestId('status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
    await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'done');

    const received = await download(receiver);
    expect(received.name).toBe('fifty.bin');
    expect(sha256(received.bytes)).toBe(digest);

    // What the receiver had written before the drop was kept and counted, and not sent again.
    const kept = Number(await receiver.getByTestId('resumed').getAttribute('data-kept'));
    expect(kept).toBeGreaterThan(SIZE * 0.3);
    await expect(receiver.getByTestId('resumed')).toContainText('already received were kept');
    const perChannel = await senderProbe.channelBytes();
    expect(perChannel.length).toBeGreaterThanOrEqual(2);
    const afterDrop = perChannel.slice(1).reduce((sum, bytes) => sum + bytes, 0);
    test.info().annotations.push({ type: 'bytes', description: `first channel ${perChannel[0]}, after the drop ${afterDrop}, kept ${kept}` });
    expect(afterDrop).toBeLessThan(SIZE);
    expect(afterDrop).toBeLessThanOrEqual(SIZE - kept + 1024 * 1024);
  } finally {
    await dir.remove();
  }
});

test('a sender whose receiver closed the page mid-transfer is told so within 5 s', async ({ browser, baseURL }) => {
  const sender = await openPeer(browser, baseURL!);
  const link = await shareFile(sender, { name: 'ten.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(10 * 1024 * 1024, 7) });
  const receiver = await openPeer(browser, baseURL!);
  await frameValve(receiver, 12);
  await receiver.goto(link);
  await expect(receiver.getByTestId('progress')).not.toHaveAttribute('aria-valuenow', '0', { timeout: 30_000 });
  await receiver.close({ runBeforeUnload: false });
  const closedAt = Date.now();
  const row = sender.getByTestId('receiver-row');
  await expect(row).toHaveAttribute('data-status', 'failed', { timeout: 5_000 });
  await expect(row.getByTestId('error')).toHaveAttribute('data-code', 'peer_left');
  await expect(row).toContainText('The recipient left');
  test.info().annotations.push({ type: 'told after', description: `${Date.now() - closedAt} ms` });
});

test('when no new connection can be made, both sides give up after the last attempt, say so, and offer nothing', async ({ browser, baseURL }) => {
  const sender = await openPeer(browser, baseURL!);
  const link = await shareFile(sender, { name: 'ten.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(10 * 1024 * 1024, 3) });
  const receiver = await openPeer(browser, baseURL!);
  const probe = await rtcProbe(receiver);
  const valve = await frameValve(receiver, 12);
  await receiver.goto(link);
  await expect(receiver.getByTestId('progress')).not.toHaveAttribute('aria-valuenow', '0', { timeout: 30_000 });
  await probe.blockNewConnections();
  await probe.closeConnections();
  const droppedAt = Date.now();
  await valve.release();
  // The attempts are shown while they run…
  await expect(receiver.getByTestId('reconnect')).toContainText(/attempt \d of 5/);
  // …and after the last one both pages name the failure.
  await expect(receiver.getByTestId('error')).toHaveAttribute('data-code', 'connection_lost', { timeout: 30_000 });
  await expect(receiver.getByTestId('error')).toContainText('could not be restored after 5 attempts');
  await expect(receiver.getByTestId('download')).toHaveCount(0);
  const row = sender.getByTestId('receiver-row');
  await expect(row).toHaveAttribute('data-status', 'failed', { timeout: 5_000 });
  await expect(row.getByTestId('error')).toHaveAttribute('data-code', 'connection_lost');
  test.info().annotations.push({ type: 'both gave up after', description: `${Date.now() - droppedAt} ms` });
});
