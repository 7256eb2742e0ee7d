import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../support/server-process';
import { createSession, emitAck, envelope, nextEvent, type TestSocket } from '../support/signaling-peer';

// Per-address limits on the real server. TRUST_PROXY=1 lets each test client claim its
// own address through X-Forwarded-For (as nginx would set it), so one client can be
// limited while another keeps being served.

type Ack = { ok: boolean; code?: string; peerId?: string };

const EVENTS_PER_MINUTE = 20;
const JOINS_PER_MINUTE = 10;

let server: RunningServer;
const sockets: TestSocket[] = [];

async function from(ip: string): Promise<TestSocket> {
  const socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { 'x-forwarded-for': ip } });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

const unknownSession = () => ({ sessionId: Buffer.alloc(16, Math.random() * 255).toString('base64url'), role: 'receiver' });

beforeAll(async () => {
  server = await startServer({
    TRUST_PROXY: '1',
    RATE_LIMIT_EVENTS_PER_MINUTE: String(EVENTS_PER_MINUTE),
    RATE_LIMIT_JOINS_PER_MINUTE: String(JOINS_PER_MINUTE),
    RATE_LIMIT_SESSIONS_PER_MINUTE: '1000',
  });
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(async () => {
  await server.stop();
});

describe('abuse limits', () => {
  it('answers rate_limited once an address spends its socket-event budget; other addresses are unaffected', async () => {
    const noisy = await from('198.51.100.1');
    const codes: string[] = [];
    for (let i = 0; i < EVENTS_PER_MINUTE + 5; i++) {
      codes.push((await emitAck<Ack>(noisy, 'signal', { to: 'x', envelope: envelope() })).code!);
    }
    expect(codes.slice(0, EVENTS_PER_MINUTE).every((c) => c === 'not_joined')).toBe(true);
    expect(codes.slice(EVENTS_PER_MINUTE)).toEqual(Array(5).fill('rate_limited'));
    // Unknown events spend the budget too, and a limited address still gets its answer.
    expect(await emitAck<Ack>(noisy, 'no-such-event', {})).toMatchObject({ ok: false, code: 'rate_limited' });

    const quiet = await from('198.51.100.2');
    expect(await emitAck<Ack>(quiet, 'signal', { to: 'x', envelope: envelope() })).toMatchObject({ code: 'not_joined' });
  });

  it('counts pake events against the same per-address event budget as signals', async () => {
    const noisy = await from('198.51.100.20');
    const message = { t: 'pake-a', share: Buffer.alloc(32, 1).toString('base64url') };
    const codes: string[] = [];
    for (let i = 0; i < EVENTS_PER_MINUTE / 2; i++) {
      codes.push((await emitAck<Ack>(noisy, 'pake', { to: 'x', message })).code!);
      codes.push((await emitAck<Ack>(noisy, 'signal', { to: 'x', envelope: envelope() })).code!);
    }
    expect(codes.every((c) => c === 'not_joined')).toBe(true);
    expect(await emitAck<Ack>(noisy, 'pake', { to: 'x', message })).toMatchObject({ ok: false, code: 'rate_limited' });
    expect(await emitAck<Ack>(noisy, 'signal', { to: 'x', envelope: envelope() })).toMatchObject({ ok: false, code: 'rate_limited' });
  });

  it('makes probing session ids expensive: failed joins cost more, then joins are refused', async () => {
    const prober = await from('198.51.100.3');
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const socket = i === 0 ? prober : await from('198.51.100.3');
      codes.push((await emitAck<Ack>(socket, 'join', unknownSession())).code!);
    }
    // Each miss costs 5 of the 10 points a minute: two misses, then nothing, not even a real id.
    expect(codes).toEqual(['not_found', 'not_found', 'rate_limited', 'rate_limited']);
    const session = await createSession(server.url);
    const late = await from('198.51.100.3');
    expect(await emitAck<Ack>(late, 'join', { sessionId: session.id, role: 'receiver' })).toMatchObject({ code: 'rate_limited' });

    const honest = await from('198.51.100.4');
    expect(await emitAck<Ack>(honest, 'join', { sessionId: session.id, role: 'receiver' })).toMatchObject({ ok: true });
  });

  it('ends the session when the sender says the transfer completed; only the sender may', async () => {
    const session = await createSession(server.url);
    const sender = await from('198.51.100.5');
    const receiver = await from('198.51.100.6');
    await emitAck(sender, 'join', { sessionId: session.id, role: 'sender', senderToken: session.senderToken });
    await emitAck(receiver, 'join', { sessionId: session.id, role: 'receiver' });

    expect(await emitAck<Ack>(receiver, 'end', {})).toMatchObject({ ok: false, code: 'forbidden' });
    const closed = nextEvent<{ reason: string }>(receiver, 'session-closed');
    expect(await emitAck<Ack>(sender, 'end', {})).toEqual({ ok: true });
    expect(await closed).toEqual({ reason: 'completed' });

    expect((await fetch(`${server.url}/api/session/${session.id}`)).status).toBe(404);
    const again = await from('198.51.100.7');
    expect(await emitAck<Ack>(again, 'join', { sessionId: session.id, role: 'receiver' })).toMatchObject({ code: 'not_found' });
  });

  it('takes the address from the last X-Forwarded-For hop only behind a trusted proxy', async () => {
    // A client-supplied first hop must not buy a fresh budget: the proxy's last entry counts.
    const spoofed = await Promise.all(
      Array.from({ length: 3 }, (_, i) => from(`203.0.113.${i}, 198.51.100.8`)),
    );
    const codes: string[] = [];
    for (const socket of spoofed) for (let i = 0; i < 8; i++) codes.push((await emitAck<Ack>(socket, 'signal', {})).code!);
    expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(3 * 8 - EVENTS_PER_MINUTE);
  });
});
