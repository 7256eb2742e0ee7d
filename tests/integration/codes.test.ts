import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CodeLookupResponseSchema, CreateSessionResponseSchema, type CreateSessionResponse } from '../../lib/protocol/api';
import { PakeDeliverySchema } from '../../lib/protocol/signaling';
import { startRedis, type RunningRedis } from '../support/redis-process';
import { startServer, type RunningServer } from '../support/server-process';
import { connect, emitAck, nextEvent, type TestSocket } from '../support/signaling-peer';

// The server's part of short codes (7-orbit-velvet-zebra) on the real server.ts with
// real socket.io-client peers: nameplates handed out by POST /api/session {code:true},
// GET /api/code/<n>, `join {code:true}` and the `pake` relay between a session's sender
// and a receiver, on one instance and across two instances sharing Redis. The PAKE
// messages here are well-formed stand-ins: the server cannot tell them from real ones.

type Ack = { ok: boolean; code?: string; message?: string; peerId?: string };

const LOOKUPS_PER_MINUTE = 10;
const sockets: TestSocket[] = [];

const bytes = (length: number, fill: number) => Buffer.alloc(length, fill).toString('base64url');
const MESSAGES = {
  share: { t: 'pake-a', share: bytes(32, 1) },
  reply: { t: 'pake-b', share: bytes(32, 2) },
  confirm: { t: 'pake-confirm', tag: bytes(32, 3) },
  key: { t: 'pake-key', tag: bytes(32, 4), sealed: bytes(48, 5) },
  refusal: { t: 'pake-result', ok: false },
} as const;

// Every lookup comes from an address of its own (TRUST_PROXY=1, X-Forwarded-For), so
// only the rate-limit test ever spends an address's lookup budget.
let addresses = 0;
const freshAddress = () => `10.${(++addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`;

async function peer(url: string): Promise<TestSocket> {
  const socket = await connect(url);
  sockets.push(socket);
  return socket;
}

async function createCodeSession(url: string, body: Record<string, unknown> = { code: true }): Promise<CreateSessionResponse> {
  const response = await fetch(`${url}/api/session`, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(201);
  return CreateSessionResponseSchema.parse(await response.json());
}

async function lookup(url: string, nameplate: string | number, from = freshAddress()) {
  const response = await fetch(`${url}/api/code/${nameplate}`, { headers: { 'x-forwarded-for': from } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

/** A code session: its sender joined on `senderUrl`, a receiver who looked the number up and joined with `code` on `receiverUrl`. */
async function codePair(senderUrl: string, receiverUrl = senderUrl, body: Record<string, unknown> = { code: true }) {
  const session = await createCodeSession(senderUrl, body);
  const sender = await peer(senderUrl);
  const s = await emitAck<Ack>(sender, 'join', { sessionId: session.id, role: 'sender', senderToken: session.senderToken });
  expect(s).toMatchObject({ ok: true });
  const found = await lookup(receiverUrl, session.nameplate!);
  expect(found).toMatchObject({ status: 200, body: { id: session.id } });
  const receiver = await peer(receiverUrl);
  const joined = nextEvent(sender, 'peer-joined');
  const r = await emitAck<Ack>(receiver, 'join', { sessionId: session.id, role: 'receiver', code: true });
  expect(r).toMatchObject({ ok: true });
  expect(await joined).toEqual({ peerId: r.peerId, role: 'receiver', code: true });
  return { session, sender, receiver, senderId: s.peerId!, receiverId: r.peerId! };
}

/** `message` from `from` reaches `to` as `pake {from, message}`, and the ack says ok. */
async function pakeArrives(from: TestSocket, fromId: string, to: TestSocket, toId: string, message: object) {
  const delivered = nextEvent(to, 'pake');
  expect(await emitAck<Ack>(from, 'pake', { to: toId, message })).toEqual({ ok: true });
  const payload = await delivered;
  expect(PakeDeliverySchema.parse(payload)).toEqual({ from: fromId, message });
}

/** The whole exchange's messages, in both directions. */
async function pakeRelayed(p: Awaited<ReturnType<typeof codePair>>) {
  await pakeArrives(p.receiver, p.receiverId, p.sender, p.senderId, MESSAGES.share);
  await pakeArrives(p.sender, p.senderId, p.receiver, p.receiverId, MESSAGES.reply);
  await pakeArrives(p.receiver, p.receiverId, p.sender, p.senderId, MESSAGES.confirm);
  await pakeArrives(p.sender, p.senderId, p.receiver, p.receiverId, MESSAGES.key);
}

afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});

describe('short codes on one server', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ TRUST_PROXY: '1', RATE_LIMIT_CODE_LOOKUPS_PER_MINUTE: String(LOOKUPS_PER_MINUTE) });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('hands out nameplates 1, 2, … to sessions that ask for a code, and the lookup names the session', async () => {
    const first = await createCodeSession(server.url);
    const second = await createCodeSession(server.url, { code: true, maxReceivers: 2 });
    expect(first.nameplate).toBe(1);
    expect(second).toMatchObject({ nameplate: 2, maxReceivers: 2 });
    for (const body of [{}, { code: false }, { maxReceivers: 3 }]) expect(await createCodeSession(server.url, body)).not.toHaveProperty('nameplate');

    const found = await lookup(server.url, 1);
    expect(found.status).toBe(200);
    expect(found.headers.get('cache-control')).toBe('no-store');
    expect(CodeLookupResponseSchema.parse(found.body)).toEqual({ id: first.id });
    expect((await lookup(server.url, 2)).body).toEqual({ id: second.id });
    // The next code session takes the next number: sessions without a code hold none.
    expect((await createCodeSession(server.url)).nameplate).toBe(3);
  });

  it('answers 404 code_not_found for a number no session holds, 400 for a malformed one', async () => {
    const missing = await lookup(server.url, 999_999);
    expect(missing).toMatchObject({ status: 404, body: { code: 'code_not_found' } });
    expect(missing.body.message).toEqual(expect.any(String));
    expect(missing.headers.get('cache-control')).toBe('no-store');
    for (const bad of ['0', '000000', '1000000', '1234567', 'abc', '-1', '1.5', '1e3', '0x10', '%201', 'seven']) {
      const answer = await lookup(server.url, bad);
      expect({ bad, status: answer.status, code: answer.body.code }).toEqual({ bad, status: 400, code: 'bad_request' });
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
    // `code` must be a boolean when asked for.
    const wrong = await fetch(`${server.url}/api/session`, { method: 'POST', body: JSON.stringify({ code: 'yes' }) });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ code: 'bad_request', message: expect.stringContaining('code') });
  });

  it('relays pake both ways between the sender and a receiver who joined with a code', async () => {
    const p = await codePair(server.url);
    await pakeRelayed(p);
    // The sender's refusal travels the same way; nothing else reaches the receiver.
    await pakeArrives(p.sender, p.senderId, p.receiver, p.receiverId, MESSAGES.refusal);
  });

  it('also relays pake to and from a receiver that joined without a code; only code joins are announced as such', async () => {
    const session = await createCodeSession(server.url);
    const sender = await peer(server.url);
    const s = await emitAck<Ack>(sender, 'join', { sessionId: session.id, role: 'sender', senderToken: session.senderToken });
    const receiver = await peer(server.url);
    const joined = nextEvent(sender, 'peer-joined');
    const r = await emitAck<Ack>(receiver, 'join', { sessionId: session.id, role: 'receiver' });
    expect(await joined).toEqual({ peerId: r.peerId, role: 'receiver' });
    await pakeArrives(sender, s.peerId!, receiver, r.peerId!, MESSAGES.share);
  });

  it('refuses a sender that joins with a code; the session still takes its sender', async () => {
    const session = await createCodeSession(server.url);
    const sender = await peer(server.url);
    const join = { sessionId: session.id, role: 'sender', senderToken: session.senderToken };
    expect(await emitAck<Ack>(sender, 'join', { ...join, code: true })).toMatchObject({ ok: false, code: 'bad_request' });
    expect(await emitAck<Ack>(sender, 'join', { ...join, code: false })).toMatchObject({ ok: false, code: 'bad_request' });
    expect(await emitAck<Ack>(sender, 'join', join)).toMatchObject({ ok: true });
  });

  it('refuses bad pake payloads with bad_request, too_large, not_joined or unknown_peer, and goes on serving', async () => {
    const loner = await peer(server.url);
    expect(await emitAck<Ack>(loner, 'pake', { to: bytes(12, 9), message: MESSAGES.share })).toMatchObject({ ok: false, code: 'not_joined' });

    const p = await codePair(server.url);
    const bystander = await codePair(server.url);
    let leaked = 0;
    for (const socket of [p.sender, p.receiver, bystander.sender, bystander.receiver]) socket.on('pake', () => leaked++);
    const nonCanonical = `${bytes(32, 0).slice(0, -1)}B`;
    const bad: unknown[] = [
      null,
      'pake',
      42,
      [],
      {},
      { to: p.senderId },
      { message: MESSAGES.share },
      { to: 'not-a-peer-id', message: MESSAGES.share },
      { to: p.senderId, message: MESSAGES.share, extra: 1 },
      { to: p.senderId, message: { ...MESSAGES.share, extra: 1 } },
      { to: p.senderId, message: { t: 'pake-z', share: MESSAGES.share.share } },
      { to: p.senderId, message: { t: 'pake-a' } },
      { to: p.senderId, message: { t: 'pake-a', share: bytes(31, 1) } },
      { to: p.senderId, message: { t: 'pake-a', share: bytes(33, 1) } },
      { to: p.senderId, message: { t: 'pake-a', share: nonCanonical } },
      { to: p.senderId, message: { t: 'pake-a', share: `${MESSAGES.share.share.slice(0, -1)}=` } },
      { to: p.senderId, message: { t: 'pake-result', ok: true } },
      { to: p.senderId, message: { t: 'pake-key', tag: MESSAGES.key.tag } },
      { to: p.senderId, envelope: { type: 'offer', nonce: bytes(12, 1), ct: bytes(64, 2) } },
    ];
    for (const payload of bad) {
      expect({ payload, ack: await emitAck<Ack>(p.receiver, 'pake', payload) }).toMatchObject({ payload, ack: { ok: false, code: 'bad_request' } });
    }
    const huge = { to: p.senderId, message: { t: 'pake-a', share: 'A'.repeat(4_000) } };
    expect(await emitAck<Ack>(p.receiver, 'pake', huge)).toMatchObject({ ok: false, code: 'too_large' });
    // Well-formed, but addressed to itself, to nobody, or to a peer of another session.
    for (const to of [p.receiverId, bytes(12, 9), bystander.senderId, bystander.receiverId]) {
      expect(await emitAck<Ack>(p.receiver, 'pake', { to, message: MESSAGES.share })).toMatchObject({ ok: false, code: 'unknown_peer' });
    }
    expect(await emitAck<Ack>(bystander.sender, 'pake', { to: p.receiverId, message: MESSAGES.reply })).toMatchObject({ code: 'unknown_peer' });
    // A missing or bogus ack callback is harmless too.
    p.receiver.emit('pake', { to: p.senderId });
    p.receiver.emit('pake', { to: p.senderId, message: MESSAGES.share }, 'not a function');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(leaked).toBe(1); // only the well-formed one just above
    leaked = 0;

    // Everyone is still served: both sessions run their whole exchange.
    await pakeRelayed(p);
    await pakeRelayed(bystander);
    expect(server.process.exitCode).toBeNull();
  });

  it('refuses pake between two receivers of one session; each still reaches the sender', async () => {
    const p = await codePair(server.url, server.url, { code: true, maxReceivers: 2 });
    const second = await peer(server.url);
    const joined = nextEvent(p.sender, 'peer-joined');
    const r2 = await emitAck<Ack>(second, 'join', { sessionId: p.session.id, role: 'receiver', code: true });
    expect(await joined).toEqual({ peerId: r2.peerId, role: 'receiver', code: true });
    let leaked = false;
    second.on('pake', () => (leaked = true));
    expect(await emitAck<Ack>(p.receiver, 'pake', { to: r2.peerId, message: MESSAGES.share })).toMatchObject({ ok: false, code: 'unknown_peer' });
    second.off('pake');
    p.receiver.on('pake', () => (leaked = true));
    expect(await emitAck<Ack>(second, 'pake', { to: p.receiverId, message: MESSAGES.share })).toMatchObject({ ok: false, code: 'unknown_peer' });
    p.receiver.off('pake');
    expect(leaked).toBe(false);
    await pakeArrives(second, r2.peerId!, p.sender, p.senderId, MESSAGES.share);
    await pakeArrives(p.sender, p.senderId, second, r2.peerId!, MESSAGES.reply);
    await pakeRelayed(p);
  });

  it('frees the number when the sender ends the session: the lookup misses and the next session gets it', async () => {
    const p = await codePair(server.url);
    const n = p.session.nameplate!;
    await pakeRelayed(p);
    const closed = nextEvent(p.receiver, 'session-closed');
    expect(await emitAck<Ack>(p.sender, 'end', {})).toEqual({ ok: true });
    expect(await closed).toEqual({ reason: 'completed' });
    expect(await lookup(server.url, n)).toMatchObject({ status: 404, body: { code: 'code_not_found' } });
    const next = await createCodeSession(server.url);
    expect(next.nameplate).toBe(n);
    expect((await lookup(server.url, n)).body).toEqual({ id: next.id });
  });

  it('rate-limits lookups per address: misses cost more, the limited address gets 429 with Retry-After, others go on', async () => {
    const session = await createCodeSession(server.url);
    const walker = '198.51.100.7';
    // A hit costs 1 of the 10 points a minute; a miss costs 5.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await lookup(server.url, session.nameplate!, walker)).status);
    statuses.push((await lookup(server.url, 999_998, walker)).status);
    statuses.push((await lookup(server.url, session.nameplate!, walker)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404, 429]);
    const limited = await fetch(`${server.url}/api/code/${session.nameplate}`, { headers: { 'x-forwarded-for': walker } });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ code: 'rate_limited' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('cache-control')).toBe('no-store');
    // Malformed numbers spend the budget too: a guesser cannot probe for free.
    expect((await lookup(server.url, 'abc', walker)).status).toBe(429);

    const guesser = '198.51.100.8';
    const misses = [];
    for (const n of [999_990, 999_991, 999_992]) misses.push((await lookup(server.url, n, guesser)).status);
    expect(misses).toEqual([404, 404, 429]);

    expect(await lookup(server.url, session.nameplate!, '198.51.100.9')).toMatchObject({ status: 200, body: { id: session.id } });
  });
});

describe('short codes across two instances sharing Redis', () => {
  let redis: RunningRedis;
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    redis = await startRedis();
    [a, b] = await Promise.all([
      startServer({ REDIS_URL: redis.url, INSTANCE_ID: 'A', TRUST_PROXY: '1' }),
      startServer({ REDIS_URL: redis.url, INSTANCE_ID: 'B', TRUST_PROXY: '1' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  it('never hands out one number twice: 12 sessions made at once on both get 1…12, each found on the other', async () => {
    const sessions = await Promise.all(Array.from({ length: 12 }, (_, i) => createCodeSession(i % 2 ? a.url : b.url).then((s) => ({ s, on: i % 2 }))));
    expect(sessions.map(({ s }) => s.nameplate).sort((x, y) => x! - y!)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    for (const { s, on } of sessions) expect((await lookup(on ? b.url : a.url, s.nameplate!)).body).toEqual({ id: s.id });
  });

  it('a sender on A and a code receiver on B: peer-joined carries code, pake crosses both ways', async () => {
    const p = await codePair(a.url, b.url, { code: true, maxReceivers: 2 });
    await pakeRelayed(p);
    // A second receiver on A cannot reach the one on B; both reach the sender.
    const second = await peer(a.url);
    const joined = nextEvent(p.sender, 'peer-joined');
    const r2 = await emitAck<Ack>(second, 'join', { sessionId: p.session.id, role: 'receiver', code: true });
    expect(await joined).toEqual({ peerId: r2.peerId, role: 'receiver', code: true });
    expect(await emitAck<Ack>(second, 'pake', { to: p.receiverId, message: MESSAGES.share })).toMatchObject({ code: 'unknown_peer' });
    expect(await emitAck<Ack>(p.receiver, 'pake', { to: r2.peerId, message: MESSAGES.share })).toMatchObject({ code: 'unknown_peer' });
    await pakeArrives(second, r2.peerId!, p.sender, p.senderId, MESSAGES.share);
    // The receiver on B leaves: A, which relayed to it, refuses it from then on.
    const left = nextEvent(p.sender, 'peer-left');
    p.receiver.disconnect();
    await left;
    expect(await emitAck<Ack>(p.sender, 'pake', { to: p.receiverId, message: MESSAGES.refusal })).toMatchObject({ code: 'unknown_peer' });
  });

  it('a receiver on A and the sender on B, and ending on B frees the number for a session made on A', async () => {
    const p = await codePair(b.url, a.url);
    await pakeRelayed(p);
    const n = p.session.nameplate!;
    expect(await emitAck<Ack>(p.sender, 'end', {})).toEqual({ ok: true });
    expect(await lookup(a.url, n)).toMatchObject({ status: 404, body: { code: 'code_not_found' } });
    expect((await createCodeSession(a.url)).nameplate).toBe(n);
  });
});
