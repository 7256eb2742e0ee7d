import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEphemeral, type Ephemeral } from '../../../lib/crypto/ephemeral';
import { confirmationTranscript } from '../../../lib/crypto/key-confirmation';
import { connectionKeysFor } from '../../../lib/crypto/keys';
import { VaultError } from '../../../lib/protocol/errors';
import { decodeFrame } from '../../../lib/protocol/frames';
import type { SignalPlaintext } from '../../../lib/protocol/signaling';
import type { ChannelPort } from '../../../lib/rtc/channel-port';
import type { SignalBody } from '../../../lib/rtc/signaling-client';
import { createMemorySink } from '../../../lib/storage/memory-sink';
import type { OpenConnection } from '../../../lib/client/answer-connection';
import { IncomingTransfer, type IncomingTransferEvents } from '../../../lib/client/incoming-transfer';
import { inProcessBackend } from '../../../lib/client/receive-backend';
import type { ReceiverHost } from '../../../lib/client/receiver-host';
import type { ReceivedFileView, ReceiverStatus } from '../../../lib/client/transfer-status';
import { MAX_RESUME_ATTEMPTS } from '../../../lib/transfer/reconnect-machine';
import { SendSession } from '../../../lib/transfer/send-session';
import { memoryFileSource } from '../../support/memory-file-source';
import { memoryPortPair } from '../../support/memory-port';

// IncomingTransfer against a real SendSession, over in-memory ports handed out by a fake
// RtcPeer: the fake answers each offer with the receiver's ephemeral key and "opens"
// a channel, so keying, the engine bridge and resumption run as they do in a browser.

const SESSION = 'session-under-test-000';
const CHUNK = 16 * 1024;
const SENDER_FP = ['sha-256 aa:bb'];
const RECEIVER_FP = ['sha-256 cc:dd'];
const TOKEN = 'token-of-this-transfer';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

type Place = { kind: 'memory' };

/** One fake PeerConnection's channel, both ends; `drop` kills it as a Wi-Fi hand-over would. */
interface Wire {
  senderPort: { send(frame: Uint8Array): void; bufferedAmount: number; drained(): Promise<void> };
  onSenderFrame(listener: (frame: Uint8Array) => void): void;
  drop(): void;
  closedByReceiver: boolean;
}

function wire(dropAtChunk: number, dropped: () => void): { wire: Wire; receiverPort: ChannelPort } {
  let dead = false;
  let chunks = 0;
  let onClose: (error: VaultError) => void = () => {};
  const pair = memoryPortPair(
    (frame, deliver) => !dead && deliver(frame),
    (frame, deliver) => !dead && deliver(frame),
  );
  const w: Wire = {
    senderPort: {
      ...pair.a,
      send(frame) {
        if (decodeFrame(frame).type === 'chunk' && ++chunks === dropAtChunk) setTimeout(() => w.drop(), 0);
        pair.a.send(frame);
      },
    },
    onSenderFrame: (listener) => pair.onReceiveA(listener),
    drop() {
      if (dead) return;
      dead = true;
      dropped();
      onClose(new VaultError('channel_closed', 'dropped by the test'));
    },
    closedByReceiver: false,
  };
  const receiverPort: ChannelPort = {
    ...pair.b,
    onFrame: (listener) => pair.onReceiveB(listener),
    onClose: (listener) => (onClose = listener),
    close: () => {
      dead = true;
      w.closedByReceiver = true;
    },
  };
  return { wire: w, receiverPort };
}

function harness(data: Uint8Array, options: { dropAtChunk?: number; answerAsks?: boolean } = {}) {
  const linkKey = new Uint8Array(randomBytes(32));
  const statuses: ReceiverStatus[] = [];
  const failures: { error: unknown; detail?: string }[] = [];
  const received: ReceivedFileView[] = [];
  const asks: number[] = [];
  const marks: string[] = [];
  const wires: Wire[] = [];
  const resumed: { count: number; bytesKept: number }[] = [];
  let sender: SendSession | null = null;
  let senderEphemeral: Ephemeral | null = null;
  let seq = 0;
  let markSent: () => void = () => {};
  const sent = new Promise<void>((resolve) => (markSent = resolve));

  const host: ReceiverHost<Place> = {
    backend: inProcessBackend<Place>(async (_place, _manifest, file) => createMemorySink(file)),
    storage: async () => ({ kind: 'memory' }),
    fileUrl: () => 'verified:url',
    mark: (moment) => void marks.push(moment),
    sweep: async () => {},
    release: () => {},
  };

  // The fake RtcPeer: an offer makes a channel, the sealed answer carries our key.
  const open: OpenConnection = async ({ events, wanted, token }) => {
    const ephemeral = await createEphemeral();
    if (!wanted()) return null;
    const handlers = events(ephemeral);
    let current: Wire | null = null;
    const connection = {
      handle: async (message: SignalPlaintext) => {
        if (message.type !== 'offer') return;
        const made = wire(wires.length === 0 ? (options.dropAtChunk ?? 0) : 0, () => sender?.interrupt(new VaultError('channel_closed', 'dropped by the test')));
        current = made.wire;
        wires.push(made.wire);
        handlers.signal({ type: 'answer', data: { sdp: 'v=0', dh: ephemeral.publicKey, token } });
        setTimeout(() =>
          handlers.open(made.receiverPort, {
            fingerprints: { local: RECEIVER_FP, remote: SENDER_FP },
            remoteDh: message.data.dh,
            certificateChecked: Promise.resolve(),
          }),
        );
      },
      close: () => current?.drop(),
    };
    return { connection, ephemeral };
  };

  /** The sender's side of signaling: it offers when asked, and connects once answered. */
  const fromReceiver = async (body: SignalBody): Promise<void> => {
    if (body.type === 'reconnect') {
      asks.push(body.data.attempt);
      if (options.answerAsks !== false) await offer();
    }
    if (body.type !== 'answer') return;
    const current = wires.at(-1)!;
    const keys = await connectionKeysFor('sender', linkKey, SESSION, senderEphemeral!, body.data.dh);
    const connection = { keys, port: current.senderPort, transcript: confirmationTranscript(SESSION, SENDER_FP, RECEIVER_FP) };
    if (sender) sender.resume(connection);
    else sender = new SendSession({ ...connection, files: [memoryFileSource('docs/a.bin', data)], chunkSize: CHUNK });
    current.onSenderFrame((frame) => sender!.receive(frame));
    sender.run().then(() => markSent(), () => {});
  };

  const events: IncomingTransferEvents = {
    signal: (body) => {
      void fromReceiver(body);
      return Promise.resolve();
    },
    status: (status, patch) => {
      statuses.push(status);
      if (patch?.resumed) resumed.push(patch.resumed);
    },
    manifest: () => {},
    progress: () => {},
    verified: (file) => void received.push(file),
    failed: (error, detail) => void failures.push({ error, detail }),
  };
  const transfer = new IncomingTransfer<Place>({ sessionId: SESSION, linkKey, token: TOKEN, host, open, events });

  async function offer(): Promise<void> {
    senderEphemeral = await createEphemeral();
    await transfer.handle('sender-peer', { type: 'offer', seq: seq++, data: { sdp: 'v=0', dh: senderEphemeral.publicKey } });
  }

  return { transfer, offer, statuses, failures, received, asks, marks, wires, resumed, sent };
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  await vi.waitFor(() => expect(predicate(), what).toBe(true), { timeout: 5_000, interval: 5 });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('IncomingTransfer', () => {
  it('answers the offer, keys the engine over the channel and reports the file once verified', async () => {
    const data = new Uint8Array(randomBytes(5 * CHUNK + 123));
    const h = harness(data);
    await h.offer();
    expect(h.transfer.connected).toBe(false);
    await until(() => h.statuses.includes('done'), 'done');
    await h.sent;
    expect(h.statuses).toEqual(['receiving', 'done']);
    expect(h.failures).toEqual([]);
    expect(h.received).toEqual([{ fileId: expect.any(String), name: 'a.bin', path: 'docs/a.bin', size: data.length, sha256: sha256(data), url: 'verified:url' }]);
    expect(h.marks).toEqual(['channel-open', 'done']);
    expect(h.transfer.connected).toBe(true);
    expect(h.transfer.verifiedEntries()?.map((e) => e.path)).toEqual(['docs/a.bin']);
    h.transfer.dispose();
  });

  it('a channel that drops mid-transfer: asks the sender again, continues over the new offer from what it kept, and the file verifies', async () => {
    const data = new Uint8Array(randomBytes(40 * CHUNK));
    const h = harness(data, { dropAtChunk: 12 });
    await h.offer();
    await until(() => h.statuses.includes('done') || h.failures.length > 0, 'done');
    expect(h.failures).toEqual([]);
    expect(h.statuses).toEqual(['receiving', 'reconnecting', 'receiving', 'done']);
    // The first attempt asks at once, sealed, naming this transfer by its token.
    expect(h.asks).toEqual([1]);
    expect(h.wires).toHaveLength(2);
    expect(h.wires[0]!.closedByReceiver).toBe(true);
    expect(h.resumed).toHaveLength(1);
    expect(h.resumed[0]!.count).toBe(1);
    expect(h.resumed[0]!.bytesKept).toBeGreaterThan(0);
    expect(h.received.map((f) => f.sha256)).toEqual([sha256(data)]);
    expect(h.transfer.resuming).toBe(false);
    h.transfer.dispose();
  });

  it('gives up with connection_lost after the last attempt when no new connection comes', async () => {
    const data = new Uint8Array(randomBytes(40 * CHUNK));
    const h = harness(data, { dropAtChunk: 12, answerAsks: false });
    await h.offer();
    await until(() => h.statuses.includes('receiving'), 'receiving');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    h.wires[0]!.drop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(h.asks).toEqual([1, 2, 3, 4, 5].slice(0, MAX_RESUME_ATTEMPTS));
    expect(h.failures).toHaveLength(1);
    expect(h.failures[0]!.error).toMatchObject({ code: 'connection_lost' });
    h.transfer.stop(h.failures[0]!.error);
    h.transfer.dispose();
  });

  it('the sender leaving before any channel opened ends the transfer; with a channel open it is watched instead', async () => {
    const idle = harness(new Uint8Array(8));
    expect(idle.transfer.senderLeft()).toBe(false);

    const data = new Uint8Array(randomBytes(40 * CHUNK));
    const running = harness(data);
    await running.offer();
    await until(() => running.transfer.connected, 'connected');
    expect(running.transfer.senderLeft()).toBe(true);
    // A dropped channel after peer-left is final: no resumption is tried.
    running.wires[0]!.drop();
    await until(() => running.failures.length > 0, 'failed');
    expect(running.failures[0]!.error).toMatchObject({ code: 'peer_left' });
    expect(running.asks).toEqual([]);
    running.transfer.dispose();
  });

  it('once stopped, a late offer opens no connection', async () => {
    const h = harness(new Uint8Array(8));
    await h.transfer.stop(new VaultError('cancelled', 'stopped by the test'));
    await h.offer();
    expect(h.wires).toEqual([]);
    expect(h.transfer.connected).toBe(false);
  });
});
