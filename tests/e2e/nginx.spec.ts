import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test as base, type Browser, type Page } from './support/test';
import { startCluster, type Cluster, type InstanceId } from './support/cluster';
import { freeze } from './support/freeze';
import { download, openPeer, randomFile, sha256 } from './support/peers';
import { tempDir } from './support/temp-files';

// Production shape (docs/deploy.md): nginx with deploy/nginx.conf in front of two
// instances sharing Redis. The two browsers are pinned to different instances, so
// every signaling message crosses from one instance to the other through Redis.

const MiB = 1024 * 1024;

type TestFile = ReturnType<typeof randomFile> & { path: string };

const test = base.extend<{ cluster: Cluster; fileOnDisk: (size: number) => Promise<TestFile> }>({
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
  // Picked by path, a file reaches the page at once; as a buffer, megabytes go through
  // the browser protocol first (seconds on a busy machine).
  fileOnDisk: async ({}, provide) => {
    const dir = await tempDir();
    try {
      await provide(async (size) => {
        const file = randomFile(size);
        const path = join(dir.path, file.name);
        await writeFile(path, file.buffer);
        return { ...file, path };
      });
    } finally {
      await dir.remove();
    }
  },
});

/** Picks the file on the sender page and returns the share link it shows. */
async function shareFile(sender: Page, file: TestFile): Promise<string> {
  await sender.goto('/');
  await sender.getByTestId('file-input').setInputFiles(file.path);
  await sender.getByTestId('share-button').click();
  const link = sender.getByTestId('share-link');
  await expect(link).toHaveValue(/\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$/);
  return link.inputValue();
}

async function pinnedPeer(browser: Browser, cluster: Cluster, instance: InstanceId): Promise<Page> {
  const page = await openPeer(browser, cluster.url);
  await cluster.pin(page.context(), instance);
  return page;
}

/** Resolves once the page's Socket.IO WebSocket received a frame through nginx: the upgrade passed. */
async function webSocketUpgraded(page: Page): Promise<void> {
  const socket = await page.waitForEvent('websocket', (ws) => ws.url().includes('/socket.io/'));
  await socket.waitForEvent('framereceived');
}

async function expectArrived(sender: Page, receiver: Page, file: TestFile) {
  await expect(receiver.getByTestId('download')).toBeVisible({ timeout: 60_000 });
  await expect(receiver.getByTestId('file-hash')).toHaveText(sha256(file.buffer));
  await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'done');
  const saved = await download(receiver);
  expect(saved.name).toBe(file.name);
  expect(Buffer.compare(saved.bytes, file.buffer)).toBe(0);
}

test.describe('through nginx in front of two instances sharing Redis', () => {
  test('a sender on instance A and a receiver on instance B complete a transfer', async ({ browser, cluster, fileOnDisk }) => {
    const sender = await pinnedPeer(browser, cluster, 'A');
    const receiver = await pinnedPeer(browser, cluster, 'B');
    const file = await fileOnDisk(8 * MiB);
    const upgraded = [webSocketUpgraded(sender), webSocketUpgraded(receiver)];

    const link = await shareFile(sender, file);
    expect(new URL(link).origin).toBe(cluster.url);
    await receiver.goto(link);
    await expectArrived(sender, receiver, file);
    await Promise.all(upgraded);
    // Each browser's signaling really ran on its own instance.
    expect(cluster.joinedRoles('A')).toEqual(['sender']);
    expect(cluster.joinedRoles('B')).toEqual(['receiver']);
  });

  test("stopping the sender's instance after the DataChannel opened does not interrupt the transfer", async ({ browser, cluster, fileOnDisk }) => {
    const sender = await pinnedPeer(browser, cluster, 'A');
    const receiver = await pinnedPeer(browser, cluster, 'B');
    const file = await fileOnDisk(16 * MiB);

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
    // (The sender's socket reconnects through nginx to B once A is gone; the app does
    // not rejoin today, but doing so would be fair, so B is only checked for the receiver.)
    expect(cluster.joinedRoles('A')).toEqual(['sender']);
    expect(cluster.joinedRoles('B')).toContain('receiver');
  });
});
