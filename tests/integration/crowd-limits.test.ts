import { createHash, randomBytes } from 'node:crypto';
import { readFile, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diskSinks } from '../../lib/cli/disk-sink';
import { installWebRtc } from '../../lib/cli/node-rtc';
import { diskReceiverHost } from '../../lib/cli/receive';
import { pickFiles } from '../../lib/cli/send';
import { lookupCode } from '../../lib/client/api-client';
import { ReceiverController } from '../../lib/client/receiver-controller';
import { SenderController } from '../../lib/client/sender-controller';
import type { SnapshotStore } from '../../lib/client/snapshot-store';
import { parseCode } from '../../lib/codes/short-code';
import { CreateSessionResponseSchema, type CreateSessionResponse } from '../../lib/protocol/api';
import { startRedis, type RunningRedis } from '../support/redis-process';
import { startServer, type RunningServer } from '../support/server-process';
import { emitAck, nextEvent, type TestSocket } from '../support/signaling-peer';

// Issue 17, hostile crowds: the limits that keep a few addresses (or one IPv6 /64) from
// filling the server, on the real server.ts with real socket.io-client peers, and across
// two instances sharing a real redis-server. TRUST_PROXY=1 lets each client claim its own
// address through X-Forwarded-For, as nginx would set it.

type Ack = { ok: boolean; code?: string; peerId?: string };

const sockets: TestSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});

async function from(url: string, address: string): Promise<TestSocket> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { 'x-forwarded-for': address } });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

function post(url: string, address: string, body: Record<string, unknown> = {}) {
  return fetch(`${url}/api/session`, { method: 'POST', headers: { 'x-forwarded-for': address }, body: JSON.stringify(body) });
}

async function created(url: string, address: string, body: Record<string, unknown> = {}): Promise<CreateSessionResponse> {
  const response = await post(url, address, body);
  expect(response.status).toBe(201);
  return CreateSessionResponseSchema.parse(await response.json());
}

/** The sender claims its session (as its page does right after creating it). */
async function claim(url: string, session: CreateSessionResponse, address = '192.0.2.250'): Promise<TestSocket> {
  const sender = await from(url, address);
  expect(await emitAck<Ack>(sender, 'join', { sessionId: session.id, role: 'sender', senderToken: session.senderToken })).toMatchObject({ ok: true });
  return sender;
}

function disconnected(socket: TestSocket, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

function rssKiB(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((status) => Number(/VmRSS:\s+(\d+)/.exec(status)![1]));
}

describe('crowd limits on one server (memory store)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      TRUST_PROXY: '1',
      MAX_SESSIONS: '50',
      MAX_SESSIONS_PER_ADDRESS: '3',
      MAX_SOCKETS_PER_ADDRESS: '3',
      RATE_LIMIT_JOINS_PER_MINUTE: '10',
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('ten addresses at the per-address cap fill only 30 of 50 sessions; another address still creates', async () => {
    for (let a = 1; a <= 10; a++) {
      const address = `198.51.100.${a}`;
      for (let i = 0; i < 3; i++) await created(server.url, address);
      const refused = await post(server.url, address);
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/open sessions/) });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.headers.get('cache-control')).toBe('no-store');
    }
    await created(server.url, '198.51.100.200');
    await server.logged((e) => e.msg === 'refused' && e.limit === 'sessions_per_address' && e.address === '198.51.100.1');
  });

  it('an ended session no longer counts against its address', async () => {
    const address = '198.51.100.60';
    const sessions = [await created(server.url, address), await created(server.url, address), await created(server.url, address)];
    expect((await post(server.url, address)).status).toBe(429);
    const sender = await claim(server.url, sessions[0]!);
    expect(await emitAck<Ack>(sender, 'end', {})).toEqual({ ok: true });
    await created(server.url, address);
  });

  it('counts an IPv6 /64 as one address for live sessions; IPv4-mapped IPv6 is the IPv4 address', async () => {
    await created(server.url, '2001:db8:1:2::a');
    await created(server.url, '2001:db8:1:2::a');
    await created(server.url, '2001:db8:1:2:ffff:ffff:ffff:b');
    expect((await post(server.url, '2001:db8:1:2::c')).status).toBe(429);
    expect((await post(server.url, '2001:0db8:0001:0002:0:0:0:d')).status).toBe(429);
    // The next /64 has its own budget.
    await created(server.url, '2001:db8:1:3::1');

    await created(server.url, '198.51.100.61');
    await created(server.url, '::ffff:198.51.100.61');
    await created(server.url, '198.51.100.61');
    expect((await post(server.url, '::ffff:198.51.100.61')).status).toBe(429);
  });

  it('counts an IPv6 /64 as one address for joins', async () => {
    const unknown = () => ({ sessionId: randomBytes(16).toString('base64url'), role: 'receiver' });
    // 10 join points a minute, a miss costs 5: two misses from the /64, whichever host.
    expect(await emitAck<Ack>(await from(server.url, '2001:db8:5:5::1'), 'join', unknown())).toMatchObject({ code: 'not_found' });
    expect(await emitAck<Ack>(await from(server.url, '2001:db8:5:5::2'), 'join', unknown())).toMatchObject({ code: 'not_found' });
    expect(await emitAck<Ack>(await from(server.url, '2001:db8:5:5:abcd::3'), 'join', unknown())).toMatchObject({ code: 'rate_limited' });
    expect(await emitAck<Ack>(await from(server.url, '2001:db8:5:6::1'), 'join', unknown())).toMatchObject({ code: 'not_found' });
  });

  it('refuses connections beyond the per-address cap (IPv6 per /64) while other addresses connect; a closed one frees its place', async () => {
    const session = await created(server.url, '198.51.100.70', { maxReceivers: 8 });
    const sender = await claim(server.url, session);
    const held: TestSocket[] = [];
    for (const address of ['2001:db8:9:9::1', '2001:db8:9:9::2', '2001:db8:9:9::3']) {
      const socket = await from(server.url, address);
      expect(await emitAck<Ack>(socket, 'join', { sessionId: session.id, role: 'receiver' })).toMatchObject({ ok: true });
      held.push(socket);
    }
    await expect(from(server.url, '2001:db8:9:9::4')).rejects.toThrow();
    // Over HTTP long-polling the refusal names itself.
    const polled = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { 'x-forwarded-for': '2001:db8:9:9:1::5' } });
    expect(polled.status).toBe(403);
    expect(await polled.text()).toContain('too_many_connections');
    await server.logged((e) => e.msg === 'refused' && e.limit === 'sockets_per_address' && e.address === '2001:db8:9:9::/64');

    await from(server.url, '2001:db8:9:a::1');
    await from(server.url, '198.51.100.71');

    // The session ends and the server closes its sockets (it counts them gone at once): the /64 connects again.
    const closed = held.map((socket) => disconnected(socket));
    expect(await emitAck<Ack>(sender, 'end', {})).toEqual({ ok: true });
    await Promise.all(closed);
    await from(server.url, '2001:db8:9:9::6');
  });

  it('cuts off a 10 MiB chunked body to POST /api/session, and keeps serving others without holding it in memory', async () => {
    await created(server.url, '198.51.100.80'); // the route is warm
    const before = await rssKiB(server.process.pid!);
    const started = Date.now();
    const outcome = await new Promise<{ status?: number; error?: string; sent: number }>((resolve) => {
      const req = request(`${server.url}/api/session`, { method: 'POST', headers: { 'x-forwarded-for': '198.51.100.81', 'content-type': 'application/json' } });
      let sent = 0;
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode, sent });
        req.destroy();
      });
      req.on('error', (error) => resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message, sent }));
      const pump = () => {
        while (sent < 10 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(outcome.status === 413 || outcome.error !== undefined).toBe(true);
    expect(outcome.status).not.toBe(201);
    expect(Date.now() - started).toBeLessThan(10_000);
    await server.logged((e) => e.msg === 'refused' && e.limit === 'body_bytes' && e.how === 'streamed');
    await created(server.url, '198.51.100.82');
    expect((await rssKiB(server.process.pid!)) - before).toBeLessThan(10 * 1024);

    // A declared length over the cap is refused unread.
    const declared = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/api/session`, { method: 'POST', headers: { 'content-length': String(10 * 1024 * 1024), 'x-forwarded-for': '198.51.100.83' } });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
        req.destroy();
      });
      req.on('error', reject);
      req.write(Buffer.alloc(1024, 0x20));
    });
    expect(declared).toBe(413);
    await created(server.url, '198.51.100.84');
    expect(server.process.exitCode).toBeNull();
  });
});

describe('short timeouts (memory store): unclaimed sessions, idle sockets, code-slot squatters', () => {
  let server: RunningServer;
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  beforeAll(async () => {
    installWebRtc('127.0.0.1');
    server = await startServer({
      TRUST_PROXY: '1',
      MAX_SESSIONS: '5',
      SESSION_UNCLAIMED_TTL_SECONDS: '2',
      SESSION_SWEEP_SECONDS: '1',
      SOCKET_JOIN_TIMEOUT_SECONDS: '2',
      CODE_EXCHANGE_TIMEOUT_SECONDS: '3',
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a session whose sender never joins expires after SESSION_UNCLAIMED_TTL_SECONDS, freeing capacity and its code number', async () => {
    const claimed = await created(server.url, '198.51.100.90');
    const sender = await claim(server.url, claimed);
    for (let i = 0; i < 3; i++) await created(server.url, `198.51.100.9${2 + i}`);
    // Made last, so once it is gone the others are too.
    const waiting = await created(server.url, '198.51.100.91', { code: true });
    expect((await post(server.url, '198.51.100.99')).status).toBe(503);
    expect((await fetch(`${server.url}/api/code/${waiting.nameplate}`)).status).toBe(200);

    // A receiver may wait in a session before its sender: it is told when it expires.
    const receiver = await from(server.url, '198.51.100.98');
    expect(await emitAck<Ack>(receiver, 'join', { sessionId: waiting.id, role: 'receiver' })).toMatchObject({ ok: true });
    expect(await nextEvent(receiver, 'session-closed', 10_000)).toEqual({ reason: 'expired' });

    expect((await fetch(`${server.url}/api/session/${waiting.id}`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/code/${waiting.nameplate}`)).status).toBe(404);
    // The claimed one lives on (its sender joined).
    expect((await fetch(`${server.url}/api/session/${claimed.id}`)).status).toBe(200);
    await created(server.url, '198.51.100.99');
    expect(await emitAck<Ack>(sender, 'end', {})).toEqual({ ok: true });
  });

  it('closes a socket that has not joined within SOCKET_JOIN_TIMEOUT_SECONDS; a joined one stays', async () => {
    const session = await created(server.url, '198.51.100.110');
    const sender = await claim(server.url, session);
    const idle = await from(server.url, '198.51.100.111');
    expect(await disconnected(idle)).toBe('io server disconnect');
    expect(sender.connected).toBe(true);
    await server.logged((e) => e.msg === 'refused' && e.limit === 'socket_join_timeout');
  });

  it('frees a receiver slot held by a `rejoin` squatter the sender never confirmed; a confirmed receiver keeps its slot', async () => {
    const session = await created(server.url, '198.51.100.120', { code: true, maxReceivers: 2 });
    const sender = await claim(server.url, session);
    const confirmedReceiver = await from(server.url, '198.51.100.121');
    const joined = await emitAck<Ack>(confirmedReceiver, 'join', { sessionId: session.id, role: 'receiver', code: true });
    expect(joined).toMatchObject({ ok: true });
    expect(await emitAck<Ack>(confirmedReceiver, 'code-ok', { to: joined.peerId })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await emitAck<Ack>(sender, 'code-ok', { to: joined.peerId })).toEqual({ ok: true });
    expect(await emitAck<Ack>(sender, 'code-ok', { to: 'nobody' })).toMatchObject({ ok: false, code: 'bad_request' });

    const squatter = await from(server.url, '203.0.113.66');
    const squat = await emitAck<Ack>(squatter, 'join', { sessionId: session.id, role: 'receiver', rejoin: true });
    expect(squat).toMatchObject({ ok: true });
    expect(await emitAck<Ack>(await from(server.url, '198.51.100.122'), 'join', { sessionId: session.id, role: 'receiver' })).toMatchObject({ code: 'full' });

    const left = nextEvent<{ peerId: string; reason: string }>(sender, 'peer-left', 10_000);
    expect(await nextEvent(squatter, 'session-closed', 10_000)).toEqual({ reason: 'unconfirmed' });
    expect(await left).toEqual({ peerId: squat.peerId, role: 'receiver', reason: 'left' });
    // The confirmed receiver joined earlier, so its timer would have fired first.
    expect(confirmedReceiver.connected).toBe(true);
    // The place is free for someone else; the squatter's address may not take it again.
    const again = await from(server.url, '203.0.113.66');
    expect(await emitAck<Ack>(again, 'join', { sessionId: session.id, role: 'receiver', code: true })).toMatchObject({ code: 'rate_limited' });
    expect(await emitAck<Ack>(await from(server.url, '198.51.100.123'), 'join', { sessionId: session.id, role: 'receiver', code: true })).toMatchObject({ ok: true });
    await server.logged((e) => e.msg === 'refused' && e.limit === 'code_exchange_timeout' && e.address === '203.0.113.66');
  });

  function until<S>(store: SnapshotStore<S>, done: (s: S) => boolean, timeoutMs = 20_000): Promise<S> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const s = store.latest();
        if (!done(s)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(s);
      };
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`timed out; last state ${JSON.stringify(store.latest()).slice(0, 400)}`));
      }, timeoutMs);
      const unsubscribe = store.subscribe(check);
      check();
    });
  }

  it('a code squatter who looks the number up and joins but never runs the PAKE is removed; the real receiver then gets the file, and the sender is told', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crowd-send-'));
    const path = join(dir, 'payload.bin');
    const bytes = randomBytes(300_000);
    await writeFile(path, bytes);
    const sender = new SenderController(await pickFiles([path]), server.url, { serverUrl: server.url, code: true });
    void sender.start();
    const shown = await until(sender.store, (s) => s.code !== null || s.status === 'error');
    expect(shown.error).toBeNull();
    const code = parseCode(shown.code!)!;

    const found = await fetch(`${server.url}/api/code/${code.nameplate}`, { headers: { 'x-forwarded-for': '203.0.113.77' } });
    const { id } = (await found.json()) as { id: string };
    const squatter = await from(server.url, '203.0.113.77');
    expect(await emitAck<Ack>(squatter, 'join', { sessionId: id, role: 'receiver', code: true })).toMatchObject({ ok: true });
    // The one slot is taken: the real receiver would get `full` now.
    expect(await emitAck<Ack>(await from(server.url, '198.51.100.130'), 'join', { sessionId: id, role: 'receiver', code: true })).toMatchObject({ code: 'full' });

    expect(await nextEvent(squatter, 'session-closed', 10_000)).toEqual({ reason: 'unconfirmed' });
    const noted = await until(sender.store, (s) => s.notice !== null);
    expect(noted.notice?.message).toMatch(/did not finish.*code still works/i);
    expect(noted.status).not.toBe('error');

    const out = await mkdtemp(join(tmpdir(), 'crowd-receive-'));
    const receiver = new ReceiverController(await lookupCode(server.url, code.nameplate), null, diskReceiverHost(server.url, diskSinks(out)), code);
    void receiver.start();
    const done = await until(receiver.store, (s) => s.status === 'done' || s.status === 'error', 30_000);
    expect(done.error).toBeNull();
    expect(await readdir(out)).toEqual(['payload.bin']);
    expect(sha256(await readFile(join(out, 'payload.bin')))).toBe(sha256(bytes));
    expect((await until(sender.store, (s) => s.status === 'done' || s.status === 'error')).status).toBe('done');
    receiver.dispose();
    sender.dispose();
  });
  it('a code receiver whose signaling reconnects mid-transfer names itself (sealed `present`) and keeps its place past the timeout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crowd-send-'));
    const path = join(dir, 'slow.bin');
    const bytes = randomBytes(24 * 1024 * 1024);
    await writeFile(path, bytes);
    const sender = new SenderController(await pickFiles([path]), server.url, { serverUrl: server.url, code: true });
    void sender.start();
    const code = parseCode((await until(sender.store, (s) => s.code !== null)).code!)!;

    const out = await mkdtemp(join(tmpdir(), 'crowd-receive-'));
    const sinks = diskSinks(out);
    // A disk that takes 40 ms per chunk: the transfer runs for several seconds, longer than the code-exchange timeout.
    const slowSinks = { ...sinks, open: async (file: Parameters<typeof sinks.open>[0]) => {
      const sink = await sinks.open(file);
      return { ...sink, write: async (chunk: Uint8Array) => { await new Promise((r) => setTimeout(r, 40)); await sink.write(chunk); } };
    } };
    const receiver = new ReceiverController(await lookupCode(server.url, code.nameplate), null, diskReceiverHost(server.url, slowSinks), code);
    void receiver.start();
    await until(receiver.store, (s) => s.status === 'receiving' && s.progress.bytesDone > 0, 30_000);
    const signaling = (receiver as unknown as { signaling: { socket: { io: { engine: { close(): void } } } } }).signaling;
    const rejoinedAt = Date.now();
    const logFrom = server.stdout().length;
    signaling.socket.io.engine.close();
    const done = await until(receiver.store, (s) => s.status === 'done' || s.status === 'error', 60_000);
    expect(done.error).toBeNull();
    // It ran past the timeout after the rejoin, and the server never removed it.
    expect(Date.now() - rejoinedAt).toBeGreaterThan(3_000);
    expect(server.stdout().slice(logFrom)).not.toMatch(/"limit":"code_exchange_timeout"/);
    expect(sha256(await readFile(join(out, 'slow.bin')))).toBe(sha256(bytes));
    expect((await until(sender.store, (s) => s.status === 'done' || s.status === 'error')).status).toBe('done');
    receiver.dispose();
    sender.dispose();
  });
});

describe('crowd limits across two instances sharing Redis', () => {
  let redis: RunningRedis;
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, TRUST_PROXY: '1', MAX_SESSIONS: '8', MAX_SESSIONS_PER_ADDRESS: '3', SESSION_UNCLAIMED_TTL_SECONDS: '2', SESSION_SWEEP_SECONDS: '1', CODE_EXCHANGE_TIMEOUT_SECONDS: '4' };
    [a, b] = await Promise.all([startServer({ ...env, INSTANCE_ID: 'A' }), startServer({ ...env, INSTANCE_ID: 'B' })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  it('holds the per-address live-session cap across instances, and an ended session frees its place on both', async () => {
    const address = '2001:db8:77:1::1';
    const sessions = [await created(a.url, address), await created(b.url, '2001:db8:77:1::2'), await created(a.url, address)];
    const senders = await Promise.all(sessions.map((s, i) => claim(i % 2 ? a.url : b.url, s)));
    for (const url of [a.url, b.url]) {
      const refused = await post(url, '2001:db8:77:1:ffff::9');
      expect(refused.status).toBe(429);
      // The sessions were claimed: the next one ends with the full TTL, about an hour away.
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3_000);
    }
    const other = await created(b.url, '2001:db8:77:2::1');
    await claim(a.url, other);
    expect(await emitAck<Ack>(senders[1]!, 'end', {})).toEqual({ ok: true });
    await claim(b.url, await created(b.url, address));
    expect((await post(a.url, address)).status).toBe(429);
  });

  it('an unclaimed session expires on Redis too: its number and its capacity are freed', async () => {
    // 4 claimed sessions are live from the test above; fill the other 4 without senders.
    for (let i = 0; i < 3; i++) await created(i % 2 ? a.url : b.url, `198.51.100.14${3 + i}`);
    // Made last, so once it is gone the others are too.
    const waiting = await created(a.url, '198.51.100.140', { code: true });
    expect((await post(a.url, '198.51.100.141')).status).toBe(503);
    expect((await post(b.url, '198.51.100.141')).status).toBe(503);
    const receiver = await from(b.url, '198.51.100.142');
    expect(await emitAck<Ack>(receiver, 'join', { sessionId: waiting.id, role: 'receiver' })).toMatchObject({ ok: true });
    expect(await nextEvent(receiver, 'session-closed', 10_000)).toEqual({ reason: 'expired' });
    expect((await fetch(`${a.url}/api/code/${waiting.nameplate}`)).status).toBe(404);
    expect((await fetch(`${b.url}/api/session/${waiting.id}`)).status).toBe(404);
    await claim(a.url, await created(b.url, '198.51.100.141'));
  });

  it('a sender on A confirms a code receiver on B: B keeps it; an unconfirmed one on B is removed', async () => {
    const session = await created(a.url, '198.51.100.150', { code: true, maxReceivers: 2 });
    const sender = await claim(a.url, session);
    const real = await from(b.url, '198.51.100.151');
    const joined = await emitAck<Ack>(real, 'join', { sessionId: session.id, role: 'receiver', code: true });
    expect(await emitAck<Ack>(sender, 'code-ok', { to: joined.peerId })).toEqual({ ok: true });
    const squatter = await from(b.url, '198.51.100.152');
    expect(await emitAck<Ack>(squatter, 'join', { sessionId: session.id, role: 'receiver', code: true })).toMatchObject({ ok: true });
    expect(await nextEvent(squatter, 'session-closed', 10_000)).toEqual({ reason: 'unconfirmed' });
    expect(real.connected).toBe(true);
    // Barred across instances: the squatter's address may not take a place there on A either.
    expect(await emitAck<Ack>(await from(a.url, '198.51.100.152'), 'join', { sessionId: session.id, role: 'receiver' })).toMatchObject({ code: 'rate_limited' });
  });
});
