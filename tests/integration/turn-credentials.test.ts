import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../support/server-process';
import { connect, createSession, emitAck, type TestSocket } from '../support/signaling-peer';

// TURN credentials are per peer and only in the ack of a join that succeeded: a
// prober with a wrong id or token, and anyone reading the pages or the API, gets none.

const SECRET = 'integration-static-auth-secret-0123456789';
const TURN_URLS = ['turn:turn.vault.test:3478?transport=udp', 'turns:turn.vault.test:5349'];
const STUN = { urls: 'stun:stun.vault.test:3478' };
const TTL = 600;

type IceServer = { urls: string | string[]; username?: string; credential?: string };
type Ack = { ok: boolean; code?: string; peerId?: string; iceServers?: IceServer[]; iceTransportPolicy?: string };

let server: RunningServer;
const sockets: TestSocket[] = [];
async function peer(): Promise<TestSocket> {
  const socket = await connect(server.url);
  sockets.push(socket);
  return socket;
}

/** What coturn computes from the username alone, written out here rather than imported. */
const coturnPassword = (username: string) => createHmac('sha1', SECRET).update(username).digest('base64');

/** No trace of the relay's secret or of any credential made with it. */
function expectNoTurnSecrets(text: string) {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain('turn.vault.test');
  expect(text).not.toMatch(/"credential"/);
  expect(text).not.toMatch(/\d{10}:[A-Za-z0-9_-]{16}/);
}

beforeAll(async () => {
  server = await startServer({
    ICE_SERVERS: JSON.stringify([STUN]),
    TURN_URLS: JSON.stringify(TURN_URLS),
    TURN_SECRET: SECRET,
    TURN_TTL_SECONDS: String(TTL),
    ICE_TRANSPORT_POLICY: 'relay',
  });
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(async () => {
  await server.stop();
});

describe('TURN credentials in the join ack', () => {
  it('gives each joined peer its own credential for its peer id, valid for TURN_TTL_SECONDS, and the policy', async () => {
    const session = await createSession(server.url);
    const before = Math.floor(Date.now() / 1000);
    const sender = await emitAck<Ack>(await peer(), 'join', { sessionId: session.id, role: 'sender', senderToken: session.senderToken });
    const receiver = await emitAck<Ack>(await peer(), 'join', { sessionId: session.id, role: 'receiver' });
    const after = Math.ceil(Date.now() / 1000);

    for (const ack of [sender, receiver]) {
      expect(ack).toMatchObject({ ok: true, iceTransportPolicy: 'relay' });
      expect(ack.iceServers).toHaveLength(2);
      expect(ack.iceServers![0]).toEqual(STUN);
      const turn = ack.iceServers![1]!;
      expect(turn.urls).toEqual(TURN_URLS);
      const [expiry, id] = turn.username!.split(':');
      expect(id).toBe(ack.peerId);
      expect(Number(expiry)).toBeGreaterThanOrEqual(before + TTL);
      expect(Number(expiry)).toBeLessThanOrEqual(after + TTL);
      expect(turn.credential).toBe(coturnPassword(turn.username!));
    }
    expect(receiver.iceServers![1]!.credential).not.toBe(sender.iceServers![1]!.credential);
  });

  it('gives a failed join nothing: unknown session, wrong token, full, malformed', async () => {
    const session = await createSession(server.url);
    const joined = await emitAck<Ack>(await peer(), 'join', { sessionId: session.id, role: 'receiver' });
    expect(joined.ok).toBe(true);
    const failures = [
      [{ sessionId: Buffer.alloc(16).toString('base64url'), role: 'receiver' }, 'not_found'],
      [{ sessionId: session.id, role: 'sender', senderToken: Buffer.alloc(32, 7).toString('base64url') }, 'forbidden'],
      [{ sessionId: session.id, role: 'receiver' }, 'full'],
      [{ sessionId: 'nope', role: 'receiver' }, 'bad_request'],
    ] as const;
    for (const [payload, code] of failures) {
      const ack = await emitAck<Ack>(await peer(), 'join', payload);
      expect(ack).toMatchObject({ ok: false, code });
      expect(ack).not.toHaveProperty('iceServers');
      expect(ack).not.toHaveProperty('iceTransportPolicy');
      expectNoTurnSecrets(JSON.stringify(ack));
    }
  });

  it('puts no credential and no TURN setting in any HTTP API response or page', async () => {
    const created = await fetch(`${server.url}/api/session`, { method: 'POST' });
    const createdText = await created.text();
    expect(created.status).toBe(201);
    const { id } = JSON.parse(createdText) as { id: string };
    await emitAck<Ack>(await peer(), 'join', { sessionId: id, role: 'receiver' });
    const texts = [createdText];
    for (const path of [`/api/session/${id}`, '/api/health', '/', `/s/${id}`, '/api/session/AAAAAAAAAAAAAAAAAAAAAA']) {
      texts.push(await (await fetch(`${server.url}${path}`)).text());
    }
    for (const text of texts) expectNoTurnSecrets(text);
    expectNoTurnSecrets(server.stdout() + server.stderr());
  });
});
