import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startServer } from '../support/server-process';
import { connect, createSession, emitAck, nextEvent } from '../support/signaling-peer';

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('server lifecycle and settings', () => {
  it('refuses to start with a bad setting and names it', () => {
    for (const [name, value] of [
      ['PORT', 'abc'],
      ['SESSION_TTL_SECONDS', '-5'],
      ['ICE_SERVERS', '{not json'],
      ['ICE_SERVERS', '[{"url":"stun:x"}]'],
      ['MAX_SESSIONS', '0'],
    ]) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'server.ts'], {
        env: { ...process.env, [name!]: value!, NEXT_TELEMETRY_DISABLED: '1' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status, `${name}=${value}`).toBe(1);
      expect(run.stderr).toContain('Invalid configuration');
      expect(run.stderr).toContain(name);
    }
  });

  it('reports an expired session as expired, sweeps it, and closes its room', async () => {
    const server = await startServer({ SESSION_TTL_SECONDS: '1', SESSION_SWEEP_SECONDS: '3600' });
    try {
      const session = await createSession(server.url);
      await until(async () => ((await fetch(`${server.url}/api/session/${session.id}`)).status === 410 ? true : undefined));
      const socket = await connect(server.url);
      expect(await emitAck(socket, 'join', { sessionId: session.id, role: 'receiver' })).toMatchObject({ ok: false, code: 'expired' });
      socket.disconnect();
    } finally {
      await server.stop();
    }

    const sweeping = await startServer({ SESSION_TTL_SECONDS: '2', SESSION_SWEEP_SECONDS: '1' });
    try {
      const session = await createSession(sweeping.url);
      const socket = await connect(sweeping.url);
      const closed = nextEvent(socket, 'session-closed', 10_000);
      expect(await emitAck(socket, 'join', { sessionId: session.id, role: 'receiver' })).toMatchObject({ ok: true });
      expect(await closed).toEqual({ reason: 'expired' });
      expect((await fetch(`${sweeping.url}/api/session/${session.id}`)).status).toBe(404);
      socket.disconnect();
    } finally {
      await sweeping.stop();
    }
  });

  it('answers 503 capacity once MAX_SESSIONS sessions exist', async () => {
    const server = await startServer({ MAX_SESSIONS: '2' });
    try {
      await createSession(server.url);
      await createSession(server.url);
      const third = await fetch(`${server.url}/api/session`, { method: 'POST' });
      expect(third.status).toBe(503);
      expect(await third.json()).toMatchObject({ code: 'capacity' });
    } finally {
      await server.stop();
    }
  });

  it('on SIGTERM tells joined peers, closes sockets and exits cleanly', async () => {
    const server = await startServer();
    const session = await createSession(server.url);
    const socket = await connect(server.url);
    await emitAck(socket, 'join', { sessionId: session.id, role: 'receiver' });
    const told = nextEvent(socket, 'session-closed');
    const disconnected = nextEvent(socket, 'disconnect');
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(await told).toEqual({ reason: 'shutdown' });
    await disconnected;
    expect(server.stdout()).toMatch(/"msg":"stopped"/);
  });
});
