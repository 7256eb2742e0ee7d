import { expect, test } from './support/test';
import { download, openPeer, randomFile, sha256, shareFile } from './support/peers';
import { wiretap } from './support/wiretap';

test.describe('link → auto-join → encrypted P2P transfer → verified download', () => {
  test('a 5 MB file arrives byte-identical and the shown hash matches', async ({ browser, baseURL }) => {
    const sender = await openPeer(browser, baseURL!);
    const receiver = await openPeer(browser, baseURL!);
    const file = randomFile(5 * 1024 * 1024);
    const senderWire = wiretap(sender);
    const receiverWire = wiretap(receiver);

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

    // Nothing secret reached the server: not the key, not the SDP, not file bytes.
    const key = link.split('#')[1]!;
    for (const wire of [senderWire, receiverWire]) {
      expect(wire.sent.length).toBeGreaterThan(0);
      expect(wire.find(key)).toBeUndefined();
      expect(wire.find('a=fingerprint')).toBeUndefined();
      expect(wire.find('candidate:')).toBeUndefined();
      expect(wire.find(file.buffer.subarray(1000, 1032).toString('latin1'))).toBeUndefined();
      expect(wire.find(file.buffer.subarray(1000, 1024).toString('base64'))).toBeUndefined();
    }
    // …while the tap did see the signaling traffic it checked.
    expect(senderWire.find('"signal"')).toBeDefined();
    expect(receiverWire.find('"signal"')).toBeDefined();
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
