import { expect, test } from './support/test';
import { download, openPeer, randomFile, sha256, shareFile } from './support/peers';
import { channelSamples } from './support/channel-samples';
import { wiretap } from './support/wiretap';

test.describe('link → auto-join → encrypted P2P transfer → verified download', () => {
  test('a 5 MB file arrives byte-identical and the shown hash matches', async ({ browser, baseURL }) => {
    const sender = await openPeer(browser, baseURL!);
    const receiver = await openPeer(browser, baseURL!);
    const file = randomFile(5 * 1024 * 1024);
    const senderWire = wiretap(sender);
    const receiverWire = wiretap(receiver);
    const senderFrames = await channelSamples(sender);
    const receiverFrames = await channelSamples(receiver);

    const link = await shareFile(sender, file);
    await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'waiting');
    await receiver.goto(link);

    await expect(receiver.getByTestId('download')).toBeVisible({ timeout: 60_000 });
    await expect(receiver.getByTestId('status')).toHaveAttribute('data-status', 'done');
    await expect(receiver.getByTestId('file-hash')).toHaveText(sha256(file.buffer));
    await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'done');
    await expect(sender.getByTestId('progress')).toHaveAttribute('aria-valuenow', '100');
    await expect(receiver.getByTestId('progress')).toHaveAttribute('aria-valuenow', '100');

    // The key left the address bar; the path stays.
    expect(receiver.url()).not.toContain('#');
    expect(new URL(receiver.url()).pathname).toBe(new URL(link).pathname);

    const saved = await download(receiver);
    expect(saved.name).toBe(file.name);
    expect(sha256(saved.bytes)).toBe(sha256(file.buffer));
    expect(Buffer.compare(saved.bytes, file.buffer)).toBe(0);

    // Nothing secret reached the server: not the key, not the SDP, not file bytes, and
    // not the ciphertext either (a relay of sealed frames would still be a leak of
    // traffic that must stay peer to peer).
    const key = link.split('#')[1]!;
    const sealed = [...(await senderFrames()), ...(await receiverFrames())];
    expect(sealed.filter((frame) => frame.type === 4).length).toBeGreaterThanOrEqual(20);
    for (const wire of [senderWire, receiverWire]) {
      expect(wire.items.length).toBeGreaterThan(0);
      expect(wire.find(key)).toBeUndefined();
      expect(wire.find('a=fingerprint')).toBeUndefined();
      expect(wire.find('candidate:')).toBeUndefined();
      expect(wire.findBytes(file.buffer.subarray(1000, 1032))).toBeUndefined();
      expect(wire.findBytes(file.buffer.subarray(file.buffer.length - 64, file.buffer.length - 32))).toBeUndefined();
      for (const frame of sealed) expect(wire.findBytes(frame.bytes), `a ${frame.size}-byte frame of type ${frame.type}`).toBeUndefined();
      // Nothing frame-sized at all: signaling is small text, never a binary attachment,
      // and all of it together is a sliver of the 5 MB that moved.
      const traffic = wire.traffic();
      expect(traffic.binaryFrames).toBe(0);
      expect(traffic.largestMessage).toBeLessThan(8 * 1024);
      expect(traffic.signalingBytes).toBeLessThan(64 * 1024);
    }
    // …while the tap did see the signaling traffic it checked.
    expect(senderWire.find('"signal"')).toBeDefined();
    expect(receiverWire.find('"signal"')).toBeDefined();
    test.info().annotations.push({ type: 'server traffic', description: JSON.stringify([senderWire.traffic(), receiverWire.traffic()]) });
  });

  test('a link with a wrong key shows the key error and offers no download', async ({ browser, baseURL }) => {
    const sender = await openPeer(browser, baseURL!);
    const receiver = await openPeer(browser, baseURL!);
    const link = await shareFile(sender, randomFile(64 * 1024));
    const wrongKey = Buffer.alloc(32, 7).toString('base64url');

    await receiver.goto(link.replace(/#.*$/, `#${wrongKey}`));
    await expect(receiver.getByTestId('error')).toHaveAttribute('data-code', 'envelope_invalid');
    await expect(receiver.getByTestId('error')).toContainText("key is wrong");
    await expect(receiver.getByTestId('download')).toHaveCount(0);
    // The sender keeps its link open for the right recipient.
    await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'waiting');

    const rightReceiver = await openPeer(browser, baseURL!);
    await rightReceiver.goto(link);
    await expect(rightReceiver.getByTestId('download')).toBeVisible({ timeout: 60_000 });
  });

  test('a link whose key is truncated says the link is incomplete', async ({ browser, baseURL }) => {
    const sender = await openPeer(browser, baseURL!);
    const receiver = await openPeer(browser, baseURL!);
    const link = await shareFile(sender, randomFile(1024));
    await receiver.goto(link.slice(0, -5));
    await expect(receiver.getByTestId('error')).toHaveAttribute('data-code', 'key_invalid');
    await expect(receiver.getByTestId('download')).toHaveCount(0);
  });

  test('an unknown session id shows the not-found page', async ({ page }) => {
    const response = await page.goto(`/s/${Buffer.alloc(16).toString('base64url')}#${Buffer.alloc(32).toString('base64url')}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByTestId('error')).toHaveAttribute('data-code', 'not_found');
    await expect(page.getByTestId('error')).toContainText('does not point to a session');
  });

  test('a malformed session id shows the not-found page', async ({ page }) => {
    const response = await page.goto('/s/not-a-session');
    expect(response?.status()).toBe(404);
    await expect(page.getByTestId('error')).toHaveAttribute('data-code', 'not_found');
  });
});
