import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { confirmationTranscript } from '../../../lib/crypto/key-confirmation';
import { createEphemeral, type Ephemeral } from '../../../lib/crypto/ephemeral';
import { connectionKeysFor, deriveSessionKeys, generateLinkKey } from '../../../lib/crypto/keys';
import { VaultError } from '../../../lib/protocol/errors';
import { OutgoingTransfer, type OutgoingHost, type OutgoingKeys } from '../../../lib/client/outgoing-transfer';
import type { TransferChange } from '../../../lib/client/receiver-roster';
import type { RtcPeerRequest } from '../../../lib/rtc/open-rtc-peer';
import type { RtcPeer, RtcPeerEvents } from '../../../lib/rtc/rtc-peer';
import type { SignalBody } from '../../../lib/rtc/signaling-client';
import { createMemorySink } from '../../../lib/storage/memory-sink';
import { MAX_RESUME_ATTEMPTS, resumeDelayMs } from '../../../lib/transfer/reconnect-machine';
import { ReceiveSession } from '../../../lib/transfer/receive-session';
import { memoryFileSource } from '../../support/memory-file-source';
import { memoryPortPair } from '../../support/memory-port';

const SESSION = 'session-under-test-000';
const SENDER_FP = ['sha-256 aa:bb'];
const RECEIVER_FP = ['sha-256 cc:dd'];
/** Small messages, so a small file still makes many chunks to drop between. */
const MAX_MESSAGE = 4096;

/**
 * A RtcPeer without WebRTC: `open()` hands the transfer a DataChannel over an
 * in-memory port pair whose other end the test's receiver reads; `kill()` ends that
 * channel as a dead network does (nothing more delivered, then `close`).
 */
class FakeLink {
  closed = false;
  started = false;
  readonly handled: unknown[] = [];
  private channel: FakeChannel | null = null;
  constructor(
    readonly request: RtcPeerRequest,
    readonly ephemeral: Ephemeral,
    readonly events: RtcPeerEvents,
    private readonly onStart: () => void,
  ) {}
  async start() {
    this.started = true;
    this.onStart();
  }
  async handle(message: unknown) {
    this.handled.push(message);
  }
  close() {
    this.closed = true;
  }
  /** The channel opens; the receiver's side gets its port, keys and transcript. */
  async open(dropAfterFrames = Infinity) {
    const receiver = await createEphemeral();
    let sent = 0;
    const pair = memoryPortPair(
      (frame, deliver) => {
        if (++sent > dropAfterFrames) channel.kill();
        if (!channel.dead) deliver(frame);
      },
      (frame, deliver) => void (channel.dead || deliver(frame)),
    );
    const channel = (this.channel = new FakeChannel(pair.a));
    pair.onReceiveA((frame) => channel.onmessage?.({ data: frame.slice().buffer }));
    this.events.open(channel as unknown as RTCDataChannel, MAX_MESSAGE, {
      fingerprints: { local: SENDER_FP, remote: RECEIVER_FP },
      remoteDh: receiver.publicKey,
      certificateChecked: Promise.resolve(),
    });
    const keys = await connectionKeysFor('receiver', linkKey, SESSION, receiver, this.ephemeral.publicKey);
    return { keys, port: pair.b, transcript: confirmationTranscript(SESSION, SENDER_FP, RECEIVER_FP), wire: pair.onReceiveB };
  }
  kill() {
    this.channel!.kill();
  }
}

class FakeChannel {
  bufferedAmountLowThreshold = 0;
  bufferedAmount = 0;
  readyState: 'open' | 'closed' = 'open';
  dead = false;
  onmessage: ((event: { data: ArrayBuffer }) => void) | null = null;
  private readonly closeListeners: (() => void)[] = [];
  constructor(private readonly port: { send(frame: Uint8Array): void }) {}
  addEventListener(type: string, listener: () => void) {
    if (type === 'close') this.closeListeners.push(listener);
  }
  send(frame: Uint8Array) {
    this.port.send(frame);
  }
  close() {
    this.kill();
  }
  kill() {
    if (this.dead) return;
    this.dead = true;
    this.readyState = 'closed';
    setTimeout(() => this.closeListeners.forEach((listener) => listener()), 0);
  }
}

let linkKey: Uint8Array;

async function setup(data: Uint8Array = randomBytes(256 * 1024)) {
  linkKey = generateLinkKey();
  const keys: OutgoingKeys = { linkKey, session: await deriveSessionKeys(linkKey, SESSION) };
  const changes: TransferChange[] = [];
  const signals: SignalBody[] = [];
  const peers: FakeLink[] = [];
  let linkStarted: () => void = () => {};
  const host: OutgoingHost = {
    rtc: () => ({ iceServers: [] }),
    signal: (_peerId, body) => void signals.push(body),
    files: () => [memoryFileSource('docs/a.bin', data)],
    changed: (_transfer, change) => void changes.push(change),
  };
  const openLink = async (request: RtcPeerRequest) => {
    const ephemeral = await createEphemeral();
    if (!request.wanted()) return null;
    const peer = new FakeLink(request, ephemeral, request.events(ephemeral), () => linkStarted());
    peers.push(peer);
    return { peer: peer as unknown as RtcPeer, ephemeral };
  };
  const transfer = new OutgoingTransfer('receiver-1', keys, host, openLink);
  /** The `count`th peer, once the transfer holds it and started it. */
  const nextLink = (count: number) =>
    new Promise<FakeLink>((resolve) => {
      const check = () => (peers[count - 1]?.started ? resolve(peers[count - 1]!) : (linkStarted = check));
      check();
    });
  return { transfer, changes, signals, peers, nextLink, data };
}

/** The test's receiver: a ReceiveSession in memory, as the receive Worker runs one. */
function receiverOn(connection: Awaited<ReturnType<FakeLink['open']>>) {
  const resumed: number[] = [];
  const session = new ReceiveSession({
    keys: connection.keys,
    port: connection.port,
    transcript: connection.transcript,
    createSink: async (file) => createMemorySink(file),
    onResumed: ({ bytesKept }) => resumed.push(bytesKept),
  });
  connection.wire((frame) => session.receive(frame));
  return { session, resumed };
}

const until = (check: () => boolean) => vi.waitFor(() => expect(check()).toBe(true), { timeout: 10_000, interval: 5 });

afterEach(() => {
  vi.useRealTimers();
});

describe('OutgoingTransfer', () => {
  it('offers, keys the connection, sends every file and reports sending, progress and completed', async () => {
    const { transfer, changes, nextLink, data } = await setup();
    void transfer.connect();
    const peer = await nextLink(1);
    expect(peer.started).toBe(true);
    expect(peer.request).toMatchObject({ initiator: true, resuming: false });
    const receiver = receiverOn(await peer.open());
    const [received] = await receiver.session.done;
    expect(Buffer.compare(Buffer.from(await received!.blob.arrayBuffer()), Buffer.from(data))).toBe(0);
    await until(() => changes.some((c) => c.type === 'completed'));
    expect(changes[0]).toEqual({ type: 'sending' });
    expect(changes.some((c) => c.type === 'progress')).toBe(true);
    expect(transfer.connecting).toBe(false);
  });

  it('restores a dropped channel over a new peer with fresh keys, continuing from what the receiver kept', async () => {
    const { transfer, changes, nextLink, data } = await setup();
    void transfer.connect();
    const first = await nextLink(1);
    const receiver = receiverOn(await first.open(20));
    const second = await nextLink(2);
    receiver.session.detach();
    expect(changes).toContainEqual({ type: 'reconnecting', attempt: 1, maxAttempts: MAX_RESUME_ATTEMPTS });
    expect(second.request).toMatchObject({ initiator: true, resuming: true });
    expect(second.ephemeral.publicKey).not.toBe(first.ephemeral.publicKey);
    const next = await second.open();
    receiver.session.attach(next);
    next.wire((frame) => receiver.session.receive(frame));
    const [received] = await receiver.session.done;
    expect(Buffer.compare(Buffer.from(await received!.blob.arrayBuffer()), Buffer.from(data))).toBe(0);
    await until(() => changes.some((c) => c.type === 'completed'));
    const resumed = changes.find((c) => c.type === 'resumed');
    expect(resumed).toMatchObject({ type: 'resumed' });
    expect(receiver.resumed[0]).toBeGreaterThan(0);
  });

  it('gives up after the last attempt: the row fails with connection_lost', async () => {
    const { transfer, changes, nextLink } = await setup();
    void transfer.connect();
    const first = await nextLink(1);
    receiverOn(await first.open());
    await until(() => changes.some((c) => c.type === 'progress'));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    first.kill();
    for (let attempt = 1; attempt <= MAX_RESUME_ATTEMPTS; attempt++) {
      const offered = nextLink(attempt + 1);
      // The channel's close (first time round), then this attempt's backoff.
      await vi.advanceTimersByTimeAsync(resumeDelayMs(attempt) + 1);
      (await offered).events.failed(new VaultError('no_route', 'no path in this test'));
    }
    await vi.advanceTimersByTimeAsync(1);
    expect(changes.filter((c) => c.type === 'reconnecting').map((c) => (c.type === 'reconnecting' ? c.attempt : 0))).toEqual([1, 2, 3, 4, 5]);
    expect(changes.at(-1)).toMatchObject({ type: 'failed', error: { code: 'connection_lost' } });
  });

  it('before the channel opens, a failure is told to the receiver by sealed abort, and a peer that failed is not retried', async () => {
    const { transfer, changes, signals, nextLink, peers } = await setup();
    void transfer.connect();
    (await nextLink(1)).events.failed(new VaultError('no_route', 'no path in this test'));
    expect(changes).toEqual([{ type: 'failed', error: expect.objectContaining({ code: 'no_route' }) }]);
    expect(signals).toEqual([{ type: 'abort', data: { code: 'no_route' } }]);
    expect(peers[0]!.closed).toBe(true);
    expect(peers).toHaveLength(1);
  });

  it("a receiver's sealed abort fails it with the receiver's code, and nothing is sent back", async () => {
    const { transfer, changes, signals, nextLink } = await setup();
    void transfer.connect();
    await nextLink(1);
    transfer.signalled({ type: 'abort', data: { code: 'key_invalid' }, seq: 1 } as never);
    expect(changes).toEqual([{ type: 'failed', error: expect.objectContaining({ code: 'key_invalid' }) }]);
    expect(signals).toEqual([]);
  });

  it('stopped by the sender: the receiver is told (cancelled), and later reports are ignored', async () => {
    const { transfer, changes, signals, nextLink } = await setup();
    void transfer.connect();
    const peer = await nextLink(1);
    expect(transfer.stop()).toBe(true);
    expect(transfer.stop()).toBe(false);
    expect(signals).toEqual([{ type: 'abort', data: { code: 'cancelled' } }]);
    expect(peer.closed).toBe(true);
    peer.events.failed(new VaultError('no_route', 'too late'));
    expect(changes).toEqual([]);
  });

  it('asked again before any channel opened, it starts its first connection over', async () => {
    const { transfer, nextLink } = await setup();
    void transfer.connect();
    const first = await nextLink(1);
    transfer.asked('token-1', 1);
    const second = await nextLink(2);
    expect(first.closed).toBe(true);
    expect(second.request).toMatchObject({ resuming: false });
  });
});
