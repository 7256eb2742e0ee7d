import { expect, test as base, type Browser, type Page } from '@playwright/test';
import { startCluster, type Cluster, type InstanceId } from './support/cluster';
import { freeze } from './support/freeze';
import { download, openPeer, randomFile, sha256, shareFile } from './support/peers';

// Production shape (docs/deploy.md): nginx with deploy/nginx.conf in front of two
// instances sharing Redis. The two browsers are pinned to different instances, so
// every signaling message crosses from one instance to the other through Redis.

const MiB = 1024 * 1024;

const test = base.extend<{ cluster: Cluster }>({
  // A fresh cluster per test: one of them stops an instance. (`provide` is Playwright's
  // `use`, renamed so the React hooks lint rule does not mistake it for React's.)
  cluster: async ({}, provide, testInfo) => {
    const cluster = await startCluster();
    try {
      await provide(cluster);
    } finally {
      if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('cluster logs', { body: cluster.logs() });
      await cluster.stop();
    }
  },
});

async function pinnedPeer(browser: Browser, cluster: Cluster, instance: InstanceId): Promise<Page> {
  const page = await openPeer(browser, cluster.url);
  await cluster.pin(page.context(), instance);
  return page;
}

async function expectArrived(sender: Page, receiver: Page, file: ReturnType<typeof randomFile>) {
  await expect(receiver.getByTestId('download')).toBeVisible({ timeout: 60_000 });
  await expect(receiver.getByTestId('file-hash')).toHaveText(sha256(file.buffer));
  await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'done');
  const saved = await download(receiver);
  expect(saved.name).toBe(file.name);
  expect(Buffer.compare(saved.bytes, file.buffer)).toBe(0);
}

test.describe('through nginx in front of two instances sharing Redis', () => {
  test('a sender on instance A and a receiver on instance B complete a transfer', async ({ browser, cluster }) => {
    const sender = await pinnedPeer(browser, cluster, 'A');
    const receiver = await pinnedPeer(browser, cluster, 'B');
    const file = randomFile(8 * MiB);

    const link = await shareFile(sender, file);
    expect(new URL(link).origin).toBe(cluster.url);
    await receiver.goto(link);
    await expectArrived(sender, receiver, file);
  });

  test("stopping the sender's instance after the DataChannel opened does not interrupt the transfer", async ({ browser, cluster }) => {
    const sender = await pinnedPeer(browser, cluster, 'A');
    const receiver = await pinnedPeer(browser, cluster, 'B');
    const file = randomFile(16 * MiB);

    const link = await shareFile(sender, file);
    await receiver.goto(link);
    // 'receiving': the channel is open, keys confirmed, the manifest accepted.
    await expect(receiver.getByTestId('status')).toHaveAttribute('data-status', 'receiving', { timeout: 30_000 });

    // Hold the sender mid-file while its instance shuts down, so the stop certainly
    // falls inside the transfer however long the graceful shutdown takes.
    const frozen = await freeze(sender);
    expect(await cluster.instances.A.stop('SIGTERM')).toBe(0);
    expect(await receiver.getByTestId('status').getAttribute('data-status')).toBe('receiving');
    await frozen.thaw();

    await expectArrived(sender, receiver, file);
  });
});
