import { expect, test, type Page } from './support/test';
import type { HostileAttack } from '../../lib/signaling/hostile-attacks';
import { startServer, type RunningServer } from '../support/server-process';
import { openPeer, randomFile, shareFile } from './support/peers';
import { wiretap } from './support/wiretap';

// The signaling server as an active attacker (P2PVAULT_TEST_HOSTILE_RELAY): for each
// attack the transfer never starts, both sides name what went wrong, and neither the
// link's key nor any file byte ever reaches the server.

/**
 * How each side ends up: `error` is a stopped session, `notice` a turned-away receiver,
 * `either` when both sides get a forgery and whichever checks first decides (both
 * outcomes are a detection).
 */
const EXPECTED: Record<HostileAttack, { receiver: string; sender: { kind: 'error' | 'notice' | 'either'; code: string } }> = {
  'tamper-offer': { receiver: 'envelope_invalid', sender: { kind: 'error', code: 'envelope_invalid' } },
  'tamper-answer': { receiver: 'envelope_invalid', sender: { kind: 'notice', code: 'envelope_invalid' } },
  reflect: { receiver: 'envelope_invalid', sender: { kind: 'notice', code: 'envelope_invalid' } },
  relabel: { receiver: 'envelope_invalid', sender: { kind: 'error', code: 'envelope_invalid' } },
  'inject-offer': { receiver: 'envelope_invalid', sender: { kind: 'error', code: 'envelope_invalid' } },
  'inject-ice': { receiver: 'envelope_invalid', sender: { kind: 'either', code: 'envelope_invalid' } },
  replay: { receiver: 'envelope_invalid', sender: { kind: 'error', code: 'envelope_invalid' } },
};

async function expectNeverSending(sender: Page) {
  const status = await sender.getByTestId('status').getAttribute('data-status');
  expect(['waiting', 'connecting', 'error']).toContain(status);
  await expect(sender.getByTestId('progress')).toHaveCount(0);
}

for (const [attack, expected] of Object.entries(EXPECTED) as [HostileAttack, (typeof EXPECTED)[HostileAttack]][]) {
  test.describe(`hostile relay: ${attack}`, () => {
    let server: RunningServer;
    test.beforeAll(async () => {
      server = await startServer({ P2PVAULT_TEST: '1', P2PVAULT_TEST_HOSTILE_RELAY: attack });
    });
    test.afterAll(async () => {
      await server.stop();
    });

    test(`is detected: receiver ${expected.receiver}, sender ${expected.sender.kind} ${expected.sender.code}, nothing leaks`, async ({ browser }) => {
      const sender = await openPeer(browser, server.url);
      const receiver = await openPeer(browser, server.url);
      const senderWire = wiretap(sender);
      const receiverWire = wiretap(receiver);
      const file = randomFile(256 * 1024);

      const link = await shareFile(sender, file);
      await receiver.goto(link);

      await expect(receiver.getByTestId('error')).toHaveAttribute('data-code', expected.receiver);
      await expect(receiver.getByTestId('download')).toHaveCount(0);
      await expect(receiver.getByTestId('progress')).toHaveCount(0);
      if (expected.sender.kind === 'error') {
        await expect(sender.getByTestId('error')).toHaveAttribute('data-code', expected.sender.code);
      } else if (expected.sender.kind === 'either') {
        await expect(sender.getByTestId('error').or(sender.getByTestId('sender-notice')).first()).toHaveAttribute('data-code', expected.sender.code);
      } else {
        await expect(sender.getByTestId('sender-notice')).toHaveAttribute('data-code', expected.sender.code);
        await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'waiting');
      }
      await expectNeverSending(sender);

      const key = link.split('#')[1]!;
      // The sender always offered, so the tap saw real signaling traffic to check.
      expect(senderWire.find('"signal"')).toBeDefined();
      for (const wire of [senderWire, receiverWire]) {
        expect(wire.find(key)).toBeUndefined();
        expect(wire.find('a=fingerprint')).toBeUndefined();
        expect(wire.findBytes(file.buffer.subarray(4096, 4128))).toBeUndefined();
      }
    });
  });
}

test('the hostile relay cannot be switched on without P2PVAULT_TEST=1', async () => {
  await expect(startServer({ P2PVAULT_TEST_HOSTILE_RELAY: 'replay' })).rejects.toThrow(/P2PVAULT_TEST_HOSTILE_RELAY: is a test-only setting/);
});
