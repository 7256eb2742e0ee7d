import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSessionStore, type RedisStoreOptions } from '../../lib/signaling/redis-session-store';
import type { CreateOptions } from '../../lib/signaling/session-store';
import { startRedis, type RunningRedis } from '../support/redis-process';

// Short-code nameplates in the Redis store, against a real redis-server: two stores
// (two instances, each with its own connection) share the numbers, never hand out the
// same one twice, and free a number when its session ends or expires.

let redis: RunningRedis;
const clients: Redis[] = [];
let inspect: Redis;
let run = 0;

function client(): Redis {
  const c = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  c.on('error', () => {});
  clients.push(c);
  return c;
}

/** Two instances' stores on one Redis, under a prefix of their own (each test starts from 1). */
function twoStores(options: Partial<RedisStoreOptions> = {}) {
  const prefix = `np${++run}:`;
  const settings = { ttlMs: 60_000, maxSessions: 10_000, prefix, ...options };
  return { prefix, a: new RedisSessionStore(client(), settings), b: new RedisSessionStore(client(), settings) };
}

async function created(store: RedisSessionStore, options: CreateOptions = { code: true }) {
  const c = await store.create(options);
  if (!c.ok) throw new Error(`create failed: ${c.code}`);
  return c.session;
}

beforeAll(async () => {
  redis = await startRedis();
  inspect = client();
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await redis?.stop();
});

describe('nameplates in Redis', () => {
  it('two instances creating at once never hand out the same number: 40 sessions get exactly 1…40', async () => {
    const { a, b } = twoStores();
    const sessions = await Promise.all(Array.from({ length: 40 }, (_, i) => created(i % 2 ? a : b)));
    const numbers = sessions.map((s) => s.nameplate!).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // Each number names its own session, whichever instance asks.
    for (const s of sessions) {
      expect(await a.findByNameplate(s.nameplate!)).toBe(s.id);
      expect(await b.findByNameplate(s.nameplate!)).toBe(s.id);
    }
    expect(await a.findByNameplate(41)).toBeNull();
  });

  it('end on one instance frees the number at once; the other hands it out next', async () => {
    const { prefix, a, b } = twoStores();
    const [one, two, three] = [await created(a), await created(b), await created(a)];
    expect([one.nameplate, two.nameplate, three.nameplate]).toEqual([1, 2, 3]);
    await a.end(two.id);
    expect(await b.findByNameplate(2)).toBeNull();
    expect(await inspect.exists(`${prefix}nameplate:2`)).toBe(0);
    const again = await created(b);
    expect(again.nameplate).toBe(2);
    expect(await a.findByNameplate(2)).toBe(again.id);
    // Ending the old session again does not free the number its successor holds.
    await b.end(two.id);
    expect(await a.findByNameplate(2)).toBe(again.id);
    expect((await created(a)).nameplate).toBe(4);
  });

  it('a number lives exactly as long as its session, and sessions without a code hold none', async () => {
    const { prefix, a } = twoStores();
    const plain = await created(a, {});
    expect(plain).not.toHaveProperty('nameplate');
    expect(await inspect.keys(`${prefix}nameplate:*`)).toEqual([]);
    const s = await created(a, { code: true, maxReceivers: 2 });
    expect(s).toMatchObject({ nameplate: 1, maxReceivers: 2 });
    expect(await inspect.get(`${prefix}nameplate:1`)).toBe(s.id);
    expect(await inspect.pexpiretime(`${prefix}nameplate:1`)).toBe(s.expiresAt);
    expect(await inspect.pexpiretime(`${prefix}session:${s.id}`)).toBe(s.expiresAt);
    expect(await inspect.hget(`${prefix}session:${s.id}`, 'nameplate')).toBe('1');
  });

  it('expiry frees the number: the lookup misses and the next session gets it', async () => {
    const { a, b } = twoStores({ ttlMs: 400 });
    const s = await created(a);
    expect(await b.findByNameplate(1)).toBe(s.id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await b.findByNameplate(1)).toBeNull();
    const next = await created(b);
    expect(next.nameplate).toBe(1);
    expect(await a.findByNameplate(1)).toBe(next.id);
  });

  it('never names a session that is gone, even if its number key were left behind', async () => {
    const { prefix, a } = twoStores();
    const s = await created(a);
    await inspect.del(`${prefix}session:${s.id}`);
    expect(await a.findByNameplate(1)).toBeNull();
  });

  it('answers capacity when every number is taken; sessions without a code go on', async () => {
    const { prefix, a, b } = twoStores({ maxNameplate: 3 });
    await Promise.all([created(a), created(b), created(a)]);
    expect(await b.create({ code: true })).toEqual({ ok: false, code: 'capacity' });
    expect((await b.create()).ok).toBe(true);
    // The refused create left nothing behind: four sessions, not five.
    expect(await inspect.zcard(`${prefix}sessions`)).toBe(4);
    const ended = await a.findByNameplate(3);
    await b.end(ended!);
    expect((await created(b)).nameplate).toBe(3);
  });
});
