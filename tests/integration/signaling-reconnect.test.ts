import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { deriveSessionKeys, generateLinkKey } from '../../lib/crypto/keys';
import type { Peer, PeerJoined, PeerLeft, SignalPlaintext } from '../../lib/protocol/signaling';
import { SignalingClient, type SignalingEvents } from '../../lib/rtc/signaling-client';
import { startRedis, type RunningRedis } from '../support/redis-process';
import { startServer, type RunningServer } from '../support/server-process';
import { connect, createSession, emitAck } from '../support/signaling-peer';

// The browser's own SignalingClient against the real server: when signaling drops,
// Socket.IO reconnects and the page joins the same session again in the same role,
// under a new peer id, and sealed signals flow again — also across a server restart
// when the sessions live in Redis.

const TOKEN = 'T'.repeat(22);

/** A SignalingClient whose events land in queues a test can wait on. */
function recordingClient(keys: Awaited<ReturnType<typeof deriveSessionKeys>>, url: string) {
  const waiters: { match: (event: Recorded) => boolean; resolve: (event: Recorded) => void }[] = [];
  const seen: Recorded[] = [];
  const record = (event: Recorded) => {
    seen.push(event);
    for (const waiter of waiters.splice(0)) {
      if (waiter.match(event)) waiter.resolve(event);
      else waiters.push(waiter);
    }
  };
  const events: SignalingEvents = {
    signal: (from, message) => record({ kind: 'signal', from, message }),
    peerJoined: (peer) => record({ kind: 'peer-joined', peer }),
    peerLeft: (peer) => record({ kind: 'peer-left', peer }),
    rejoined: (joined) => record({ kind: 'rejoined', peerId: joined.peerId, peers: joined.peers }),
    rejected: (from) => record({ kind: 'rejected', from }),
    fatal: (error) => record({ kind: 'fatal', code: error.code }),
  };
  const client = new SignalingClient(keys, events, url);
  clients.push(client);
  return {
    client,
    next<K extends Recorded['kind']>(kind: K, match: (event: Extract<Recorded, { kind: K }>) => boolean = () => true, timeoutMs = 20_000) {
      const test = (event: Recorded) => event.kind === kind && match(event as Extract<Recorded, { kind: K }>);
      const already = seen.find(test);
      if (already) return Promise.resolve(already as Extract<Recorded, { kind: K }>);
      return new Promise<Extract<Recorded, { kind: K }>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${kind} within ${timeoutMs} ms; saw ${JSON.stringify(seen)}`)), timeoutMs);
        waiters.push({
          match: test,
          resolve: (event) => {
            clearTimeout(timer);
            resolve(event as Extract<Recorded, { kind: K }>);
          },
        });
      });
    },
    /** Drops the transport under the client, as a network hand-over does. */
    drop() {
      (client as unknown as { socket: { io: { engine: { close(): void } } } }).socket.io.engine.close();
    },
  };
}

type Recorded =
  | { kind: 'signal'; from: string; message: SignalPlaintext }
  | { kind: 'peer-joined'; peer: PeerJoined }
  | { kind: 'peer-left'; peer: PeerLeft }
  | { kind: 'rejoined'; peerId: string; peers: Peer[] }
  | { kind: 'rejected'; from: string }
  | { kind: 'fatal'; code: string };

const clients: SignalingClient[] = [];
const servers: RunningServer[] = [];
let redis: RunningRedis | null = null;

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await redis?.stop();
  redis = null;
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function joinedPair(url: string) {
  const session = await createSession(url);
  const keys = await deriveSessionKeys(generateLinkKey(), session.id);
  const sender = recordingClient(keys, url);
  const receiver = recordingClient(keys, url);
  const s = await sender.client.join({ sessionId: session.id, role: 'sender', senderToken: session.senderToken });
  const r = await receiver.client.join({ sessionId: session.id, role: 'receiver' });
  return { session, sender, receiver, senderId: s.peerId, receiverId: r.peerId };
}

describe('signaling survives an outage', () => {
  it('a receiver whose connection dropped joins again as receiver under a new id, and sealed signals flow both ways', async () => {
    const server = await startServer();
    servers.push(server);
    const p = await joinedPair(server.url);
    p.receiver.drop();
    const back = await p.receiver.next('rejoined');
    expect(back.peerId).not.toBe(p.receiverId);
    expect(back.peers).toEqual([{ peerId: p.senderId, role: 'sender' }]);
    // The sender learns it is the same page coming back, not a newcomer.
    expect((await p.sender.next('peer-joined', (e) => e.peer.peerId === back.peerId)).peer).toEqual({ peerId: back.peerId, role: 'receiver', rejoin: true });
    await p.receiver.client.send(p.senderId, { type: 'reconnect', data: { token: TOKEN, attempt: 1 } });
    const asked = await p.sender.next('signal');
    expect(asked).toMatchObject({ from: back.peerId, message: { type: 'reconnect', data: { token: TOKEN, attempt: 1 } } });
    await p.sender.client.send(back.peerId, { type: 'abort', data: { code: 'cancelled' } });
    expect(await p.receiver.next('signal')).toMatchObject({ from: p.senderId, message: { type: 'abort' } });
  });

  it('a rejoin refused because the old connection still holds the slot is retried until the slot frees', async () => {
    const server = await startServer();
    servers.push(server);
    const p = await joinedPair(server.url);
    const manager = (p.receiver.client as unknown as { socket: { io: { reconnection(on: boolean): void } } }).socket.io;
    // Hold reconnection while another page takes the only receiver slot, as the server's
    // record of our dead socket would until its ping timeout.
    manager.reconnection(false);
    p.receiver.drop();
    await p.sender.next('peer-left', (e) => e.peer.peerId === p.receiverId);
    const squatter = await connect(server.url);
    expect(await emitAck<{ ok: boolean }>(squatter, 'join', { sessionId: p.session.id, role: 'receiver' })).toMatchObject({ ok: true });
    manager.reconnection(true);
    (p.receiver.client as unknown as { socket: { connect(): void } }).socket.connect();
    // Refused with `full` meanwhile; no fatal error reaches the page.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    squatter.disconnect();
    const back = await p.receiver.next('rejoined');
    expect(back.peerId).not.toBe(p.receiverId);
    await expect(p.receiver.next('fatal', () => true, 10)).rejects.toThrow();
  });

  it('with Redis, the session and both roles survive a restart of the server', async () => {
    redis = await startRedis();
    const port = String(await freePort());
    const first = await startServer({ REDIS_URL: redis.url, PORT: port });
    servers.push(first);
    const p = await joinedPair(first.url);
    await first.stop('SIGTERM');
    servers.splice(servers.indexOf(first), 1);
    const second = await startServer({ REDIS_URL: redis.url, PORT: port });
    servers.push(second);
    // Both pages reconnect by themselves; the sender proves its role with its token again.
    const [senderBack, receiverBack] = await Promise.all([p.sender.next('rejoined'), p.receiver.next('rejoined')]);
    expect(senderBack.peerId).not.toBe(p.senderId);
    expect(receiverBack.peerId).not.toBe(p.receiverId);
    // The receiver finds the sender's new id in its own rejoin, or hears it come back.
    const listed = receiverBack.peers.find((peer) => peer.peerId === senderBack.peerId);
    const sender = listed ?? (await p.receiver.next('peer-joined', (e) => e.peer.peerId === senderBack.peerId)).peer;
    expect(sender).toMatchObject({ role: 'sender' });
    await p.receiver.client.send(senderBack.peerId, { type: 'reconnect', data: { token: TOKEN, attempt: 1 } });
    expect(await p.sender.next('signal')).toMatchObject({ from: receiverBack.peerId, message: { type: 'reconnect' } });
    const status = await (await fetch(`${second.url}/api/session/${p.session.id}`)).json();
    expect(status).toMatchObject({ senderPresent: true, receiverPresent: true });
  }, 60_000);
});
