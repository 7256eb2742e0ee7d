import { join } from 'node:path';
import { expect, test as base, type Browser, type Page } from './support/test';
import { USER_MESSAGES } from '../../lib/protocol/errors';
import { startServer, type RunningServer } from '../support/server-process';
import { startCoturn, type Coturn } from './support/coturn-process';
import { download, openPeer, sha256, shareFile } from './support/peers';
import { tempDir, writeRandomFile } from './support/temp-files';

// Strict NATs: the browsers may use only the TURN relay (ICE_TRANSPORT_POLICY=relay),
// a real coturn on loopback, with the per-peer credentials the server hands out in
// the join ack. Each test runs its own coturn and its own server.ts instance.

const MiB = 1024 * 1024;
const COTURN_SECRET = 'e2e-coturn-static-auth-secret';
const REALM = 'vault.test';

interface Stack {
  coturn: Coturn;
  server: RunningServer;
  dir: string;
}

/** The selected ICE candidate pair of each RTCPeerConnection once it connected, read from getStats. */
interface SelectedPair {
  local: string;
  remote: string;
  localAddress: string;
}

declare global {
  interface Window {
    __selectedPairs: SelectedPair[];
    __rtcPolicies: (string | undefined)[];
  }
}

const test = base.extend<{ stack: (appSecret: string) => Promise<Stack> }>({
  // `provide` is Playwright's `use`, renamed so the React hooks lint rule leaves it alone.
  stack: async ({}, provide, testInfo) => {
    const dir = await tempDir();
    const stops: (() => Promise<unknown>)[] = [];
    const logs: (() => string)[] = [];
    try {
      await provide(async (appSecret) => {
        const coturn = await startCoturn({ secret: COTURN_SECRET, realm: REALM, dir: dir.path });
        stops.push(() => coturn.stop());
        logs.push(() => `--- turnserver\n${coturn.output()}`);
        const server = await startServer({
          ICE_SERVERS: '[]',
          TURN_URLS: JSON.stringify([coturn.url]),
          TURN_SECRET: appSecret,
          ICE_TRANSPORT_POLICY: 'relay',
        });
        stops.push(() => server.stop());
        logs.push(() => `--- server.ts\n${server.stdout()}${server.stderr()}`);
        return { coturn, server, dir: dir.path };
      });
    } finally {
      if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('logs', { body: logs.map((log) => log()).join('\n') });
      for (const stop of stops.reverse()) await stop();
      await dir.remove();
    }
  },
});

/** A browser whose RTCPeerConnections report the candidate pair they connected over. */
async function relayWatchedPeer(browser: Browser, url: string): Promise<Page> {
  const page = await openPeer(browser, url);
  await page.addInitScript(() => {
    window.__selectedPairs = [];
    window.__rtcPolicies = [];
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Native {
      constructor(configuration?: RTCConfiguration) {
        super(configuration);
        window.__rtcPolicies.push(configuration?.iceTransportPolicy);
        const record = async () => {
          if (this.connectionState !== 'connected') return;
          this.removeEventListener('connectionstatechange', record);
          const stats = [...(await this.getStats()).values()] as Record<string, unknown>[];
          const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
          const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
          const local = stats.find((s) => s.id === pair?.localCandidateId);
          const remote = stats.find((s) => s.id === pair?.remoteCandidateId);
          window.__selectedPairs.push({
            local: String(local?.candidateType),
            remote: String(remote?.candidateType),
            localAddress: `${String(local?.address)}:${String(local?.port)}`,
          });
        };
        this.addEventListener('connectionstatechange', record);
      }
    };
  });
  return page;
}

async function selectedPairs(page: Page): Promise<SelectedPair[]> {
  await page.waitForFunction(() => window.__selectedPairs.length > 0);
  return page.evaluate(() => window.__selectedPairs);
}

/**
 * Bytes coturn moved between one allocation and its peer, from its "peer usage" log
 * lines. coturn prints one per 2048 packets relayed (each line a delta) and the rest
 * only when the allocation ends, so the sum lags the truth by less than 2048 packets.
 */
function peerBytes(coturn: Coturn, username: string): number {
  const usage = coturn.output().matchAll(/peer usage: realm=<[^>]*>, username=<([^>]*)>, rp=\d+, rb=(\d+), sp=\d+, sb=(\d+)/g);
  return [...usage].filter((m) => m[1] === username).reduce((sum, m) => sum + Number(m[2]) + Number(m[3]), 0);
}

test.describe('TURN relay only (strict NATs)', () => {
  test.describe.configure({ timeout: 60_000 });

  test('a file goes sender → receiver byte-identical through coturn and nowhere else', async ({ browser, stack }) => {
    const { coturn, server, dir } = await stack(COTURN_SECRET);
    const sender = await relayWatchedPeer(browser, server.url);
    const receiver = await relayWatchedPeer(browser, server.url);
    const path = join(dir, 'relayed.bin');
    const size = 4 * MiB;
    const hash = await writeRandomFile(path, size);

    const link = await shareFile(sender, path);
    await receiver.goto(link);
    await expect(receiver.getByTestId('download')).toBeVisible({ timeout: 40_000 });
    await expect(receiver.getByTestId('file-hash')).toHaveText(hash);
    await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'done');
    const saved = await download(receiver);
    expect(saved.name).toBe('relayed.bin');
    expect(saved.bytes.length).toBe(size);
    expect(sha256(saved.bytes)).toBe(hash);

    // Both ends were told to use the relay only, and both connected relay ↔ relay,
    // on coturn's relay address.
    for (const page of [sender, receiver]) {
      expect(await page.evaluate(() => window.__rtcPolicies)).toEqual(['relay']);
      const pairs = await selectedPairs(page);
      expect(pairs).toHaveLength(1);
      expect(pairs[0]).toMatchObject({ local: 'relay', remote: 'relay', localAddress: expect.stringMatching(/^127\.0\.0\.1:200\d\d$/) });
    }

    // coturn itself saw both peers allocate with their own credentials (username
    // <expiry>:<peerId>), and relayed the (encrypted) file through both allocations: the
    // 4 MiB are > 3000 packets each way, so at least one full 2048-packet report
    // (> 1 MiB) per allocation is certain even before they end.
    const allocated = coturn.output().matchAll(/user <(\d{10}:[A-Za-z0-9_-]{16})>: incoming packet ALLOCATE processed, success/g);
    const users = [...new Set([...allocated].map((m) => m[1]!))];
    expect(users).toHaveLength(2);
    for (const user of users) {
      await expect.poll(() => peerBytes(coturn, user), { timeout: 15_000 }).toBeGreaterThan(MiB);
    }
  });

  test("the relay refusing the server's credentials shows 'no route' on both pages, fast", async ({ browser, stack }) => {
    const { coturn, server, dir } = await stack('a-different-secret-than-coturns');
    const sender = await relayWatchedPeer(browser, server.url);
    const receiver = await relayWatchedPeer(browser, server.url);
    const path = join(dir, 'stuck.bin');
    await writeRandomFile(path, 64 * 1024);

    const link = await shareFile(sender, path);
    await receiver.goto(link);
    // Relay-only with every allocation refused gathers no candidate at all: the pages
    // say so at once instead of waiting out the 20 s connect timeout.
    const receiverError = receiver.getByTestId('error');
    await expect(receiverError).toHaveAttribute('data-code', 'no_route', { timeout: 15_000 });
    await expect(receiverError).toContainText(USER_MESSAGES.no_route);
    await expect(receiver.getByTestId('download')).toHaveCount(0);

    const row = sender.getByTestId('receiver-row');
    await expect(row).toHaveAttribute('data-status', 'failed');
    await expect(row.getByTestId('error')).toHaveAttribute('data-code', 'no_route');
    await expect(row.getByTestId('error')).toContainText(USER_MESSAGES.no_route);

    expect(coturn.output()).toMatch(/user <\d{10}:[A-Za-z0-9_-]{16}>: incoming packet message processed, error 401: Unauthorized/);
    expect(coturn.output()).not.toMatch(/ALLOCATE processed, success/);
    expect(await sender.evaluate(() => window.__selectedPairs)).toEqual([]);
  });
});
