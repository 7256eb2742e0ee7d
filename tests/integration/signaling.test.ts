import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../support/server-process';
import { connect, createSession, emitAck, envelope, nextEvent, type TestSocket } from '../support/signaling-peer';

type Ack = { ok: boolean; code?: string; peerId?: string; peers?: { peerId: string; role: string }[]; iceServers?: unknown[] };

let server: RunningServer;
const sockets: TestSocket[] = [];
async function peer(): Promise<TestSocket> {
  const socket = await connect(server.url);
  sockets.push(socket);
  return socket;
}

/** A session with a joined sender and receiver, ready to relay. */
async function pair() {
  const session = await createSession(server.url);
  const sender = await peer();
  const receiver = await peer();
  const s = await emitAck<Ack>(sender, 'join', { sessionId: session.id, role: 'sender', senderToken: session.senderToken });
  const joined = nextEvent<{ peerId: string; role: string }>(sender, 'peer-joined');
  const r = await emitAck<Ack>(receiver, 'join', { sessionId: session.id, role: 'receiver' });
  return { session, sender, receiver, senderId: s.peerId!, receiverId: r.peerId!, senderAck: s, receiverAck: r, joined: await joined };
}

async function relayWorks() {
  const p = await pair();
  const delivered = nextEvent<{ from: string; envelope: unknown }>(p.receiver, 'signal');
  expect(await emitAck<Ack>(p.sender, 'signal', { to: p.receiverId, envelope: envelope() })).toEqual({ ok: true });
  expect(await delivered).toEqual({ from: p.senderId, envelope: envelope() });
  return p;
}

beforeAll(async () => {
  server = await startServer();
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(async () => {
  await server.stop();
});

describe('a session made by the API is joinable over Socket.IO', () => {
  it('joins sender and receiver and relays sealed envelopes both ways', async () => {
    const p = await pair();
    expect(p.senderAck).toMatchObject({ ok: true, peers: [], iceServers: [] });
    expect(p.receiverAck).toMatchObject({ ok: true, peers: [{ peerId: p.senderId, role: 'sender' }] });
    expect(p.joined).toEqual({ peerId: p.receiverId, role: 'receiver' });

    const toReceiver = nextEvent(p.receiver, 'signal');
    await emitAck(p.sender, 'signal', { to: p.receiverId, envelope: envelope('offer') });
    expect(await toReceiver).toEqual({ from: p.senderId, envelope: envelope('offer') });

    const toSender = nextEvent(p.sender, 'signal');
    await emitAck(p.receiver, 'signal', { to: p.senderId, envelope: envelope('answer') });
    expect(await toSender).toEqual({ from: p.receiverId, envelope: envelope('answer') });
  });

  it('tells the sender when the receiver leaves', async () => {
    const p = await pair();
    const left = nextEvent(p.sender, 'peer-left');
    p.receiver.disconnect();
    expect(await left).toEqual({ peerId: p.receiverId, role: 'receiver', reason: 'left' });
  });

  it('logs JSON lines with short session ids and no token, peer id or envelope', async () => {
    const p = await relayWorks();
    const entry = await server.logged((e) => e.msg === 'peer joined' && e.role === 'receiver' && e.session === p.session.id.slice(0, 6));
    expect(entry).toMatchObject({ level: 'info', time: expect.any(String) });
    for (const secret of [p.session.id, p.session.senderToken, p.senderId, p.receiverId, envelope().ct]) {
      expect(server.stdout()).not.toContain(secret);
    }
  });

  it('GET /api/session/:id reports presence and no secrets', async () => {
    const p = await pair();
    const response = await fetch(`${server.url}/api/session/${p.session.id}`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({
      id: p.session.id,
      expiresAt: p.session.expiresAt,
      senderPresent: true,
      receiverPresent: true,
      receivers: 1,
      maxReceivers: 1,
    });
    expect(JSON.stringify(body)).not.toContain(p.session.senderToken);
  });
});

describe('join errors', () => {
  it('refuses an unknown session with not_found', async () => {
    const socket = await peer();
    const ack = await emitAck<Ack>(socket, 'join', { sessionId: Buffer.alloc(16).toString('base64url'), role: 'receiver' });
    expect(ack).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('refuses the sender role without the right token with forbidden', async () => {
    const session = await createSession(server.url);
    const socket = await peer();
    const wrong = Buffer.alloc(32, 9).toString('base64url');
    expect(await emitAck<Ack>(socket, 'join', { sessionId: session.id, role: 'sender', senderToken: wrong })).toMatchObject({ code: 'forbidden' });
    expect(await emitAck<Ack>(socket, 'join', { sessionId: session.id, role: 'sender' })).toMatchObject({ code: 'forbidden' });
  });

  it('refuses a third peer and a second sender with full', async () => {
    const p = await pair();
    const third = await peer();
    expect(await emitAck<Ack>(third, 'join', { sessionId: p.session.id, role: 'receiver' })).toMatchObject({ ok: false, code: 'full' });
    expect(
      await emitAck<Ack>(third, 'join', { sessionId: p.session.id, role: 'sender', senderToken: p.session.senderToken }),
    ).toMatchObject({ ok: false, code: 'full' });
  });

  it('admits as many receivers as the session allows, then refuses with full', async () => {
    const session = await createSession(server.url, { maxReceivers: 2 });
    const joins = [];
    for (let i = 0; i < 3; i++) joins.push(await emitAck<Ack>(await peer(), 'join', { sessionId: session.id, role: 'receiver' }));
    expect(joins.map((ack) => ack.ok)).toEqual([true, true, false]);
    expect(joins[2]).toMatchObject({ code: 'full', message: expect.stringContaining('as many recipients as the sender allowed') });
    const status = await (await fetch(`${server.url}/api/session/${session.id}`)).json();
    expect(status).toMatchObject({ receivers: 2, maxReceivers: 2, senderPresent: false });
  });

  it('refuses a second join on one socket', async () => {
    const p = await pair();
    expect(await emitAck<Ack>(p.receiver, 'join', { sessionId: p.session.id, role: 'receiver' })).toMatchObject({ code: 'already_joined' });
  });
});

describe('bad input gets its error and the server keeps serving', () => {
  const malformedJoins: [string, unknown][] = [
    ['nothing', undefined],
    ['a string', 'hello'],
    ['a number', 42],
    ['an array', [1, 2]],
    ['an empty object', {}],
    ['a short session id', { sessionId: 'abc', role: 'receiver' }],
    ['an unknown role', { sessionId: Buffer.alloc(16).toString('base64url'), role: 'admin' }],
    ['an extra field', { sessionId: Buffer.alloc(16).toString('base64url'), role: 'receiver', x: 1 }],
    ['a non-string token', { sessionId: Buffer.alloc(16).toString('base64url'), role: 'sender', senderToken: 5 }],
  ];
  for (const [name, payload] of malformedJoins) {
    it(`join with ${name} → bad_request`, async () => {
      const socket = await peer();
      expect(await emitAck<Ack>(socket, 'join', payload)).toMatchObject({ ok: false, code: 'bad_request' });
    });
  }

  it('signal before join → not_joined', async () => {
    const socket = await peer();
    expect(await emitAck<Ack>(socket, 'signal', { to: 'A'.repeat(16), envelope: envelope() })).toMatchObject({ code: 'not_joined' });
  });

  it('signal to a peer outside the session → unknown_peer', async () => {
    const a = await pair();
    const b = await pair();
    expect(await emitAck<Ack>(a.sender, 'signal', { to: b.receiverId, envelope: envelope() })).toMatchObject({ code: 'unknown_peer' });
    expect(await emitAck<Ack>(a.sender, 'signal', { to: a.senderId, envelope: envelope() })).toMatchObject({ code: 'unknown_peer' });
  });

  it('signal to a receiver that has left → unknown_peer, even after signals to it were relayed', async () => {
    const p = await pair();
    const delivered = nextEvent(p.receiver, 'signal');
    expect(await emitAck<Ack>(p.sender, 'signal', { to: p.receiverId, envelope: envelope() })).toEqual({ ok: true });
    await delivered;
    const left = nextEvent(p.sender, 'peer-left');
    p.receiver.disconnect();
    await left;
    expect(await emitAck<Ack>(p.sender, 'signal', { to: p.receiverId, envelope: envelope() })).toMatchObject({ code: 'unknown_peer' });
  });

  const malformedSignals: [string, (to: string) => unknown][] = [
    ['no envelope', (to) => ({ to })],
    ['an unknown type', (to) => ({ to, envelope: { ...envelope(), type: 'bye' } })],
    ['a nonce of the wrong size', (to) => ({ to, envelope: { ...envelope(), nonce: 'AAAA' } })],
    ['non-base64url ciphertext', (to) => ({ to, envelope: { ...envelope(), ct: 'not base64!!'.repeat(4) } })],
    ['a plaintext SDP field', (to) => ({ to, envelope: { ...envelope(), sdp: 'v=0' } })],
  ];
  for (const [name, make] of malformedSignals) {
    it(`signal with ${name} → bad_request, nothing relayed`, async () => {
      const p = await pair();
      let relayed = false;
      p.receiver.on('signal', () => (relayed = true));
      expect(await emitAck<Ack>(p.sender, 'signal', make(p.receiverId))).toMatchObject({ ok: false, code: 'bad_request' });
      await relayWorks();
      expect(relayed).toBe(false);
    });
  }

  it('an oversized envelope → too_large', async () => {
    const p = await pair();
    expect(await emitAck<Ack>(p.sender, 'signal', { to: p.receiverId, envelope: envelope('offer', 11_000) })).toMatchObject({
      ok: false,
      code: 'too_large',
    });
  });

  it('a message over the 16 KiB cap drops only that socket; a parallel session keeps relaying', async () => {
    const victim = await pair();
    const bystander = await pair();
    const dropped = nextEvent<string>(victim.sender, 'disconnect');
    victim.sender.emit('signal', { to: victim.receiverId, envelope: envelope('offer', 64 * 1024) });
    expect(await dropped).toBe('transport close');
    const delivered = nextEvent(bystander.receiver, 'signal');
    expect(await emitAck(bystander.sender, 'signal', { to: bystander.receiverId, envelope: envelope() })).toEqual({ ok: true });
    await delivered;
  });

  it('events without an ack callback and unknown events do not disturb the server', async () => {
    const socket = await peer();
    socket.emit('join', { sessionId: 'x' });
    socket.emit('signal', 'garbage');
    socket.emit('no-such-event', { a: 1 });
    await relayWorks();
    expect(await emitAck<Ack>(socket, 'join', {})).toMatchObject({ code: 'bad_request' });
  });
});

describe('web hardening', () => {
  it('serves pages and the API with headers that keep the link private and the page unframeable', async () => {
    for (const path of ['/', `/s/${Buffer.alloc(16).toString('base64url')}`, '/api/session/x']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-powered-by'), path).toBeNull();
    }
  });
});

describe('HTTP API input', () => {
  it('refuses a body that is not JSON, has unknown fields or is too large', async () => {
    const post = (body: string) => fetch(`${server.url}/api/session`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    const notJson = await post('{oops');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ code: 'bad_request' });
    expect((await post('{"maxReceivers": "lots"}')).status).toBe(400);
    expect((await post('[]')).status).toBe(400);
    expect((await post('x'.repeat(5_000))).status).toBe(413);
    expect((await post('{}')).status).toBe(201);
  });

  it('takes a receiver limit of 1 to 8, and refuses anything else by name', async () => {
    const post = (body: unknown) =>
      fetch(`${server.url}/api/session`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    for (const maxReceivers of [0, 9, -1, 2.5, null]) {
      const refused = await post({ maxReceivers });
      expect(refused.status, String(maxReceivers)).toBe(400);
      expect(await refused.json()).toMatchObject({ code: 'bad_request', message: expect.stringContaining('maxReceivers') });
    }
    for (const maxReceivers of [1, 8]) {
      const created = await post({ maxReceivers });
      expect(created.status).toBe(201);
      expect(await created.json()).toMatchObject({ maxReceivers });
    }
    expect(await (await post({})).json()).toMatchObject({ maxReceivers: 1 });
  });

  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    expect((await fetch(`${server.url}/api/session/not-an-id`)).status).toBe(400);
    const unknown = await fetch(`${server.url}/api/session/${Buffer.alloc(16).toString('base64url')}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'not_found' });
  });
});
