import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../../lib/signaling/memory-session-store';

function store(maxSessions = 10) {
  let now = 1_000;
  const s = new MemorySessionStore({ ttlMs: 60_000, maxSessions, now: () => now });
  return { s, advance: (ms: number) => (now += ms) };
}

describe('in-memory session store', () => {
  it('creates unguessable ids and tokens and stores no token in clear', async () => {
    const { s } = store();
    const a = await s.create();
    const b = await s.create();
    if (!a.ok || !b.ok) throw new Error('create failed');
    expect(a.session.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.session.senderToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.session.id).not.toBe(b.session.id);
    expect(JSON.stringify(await s.get(a.session.id))).not.toContain(a.session.senderToken);
  });

  it('gives the sender role only to the token holder, once; one receiver', async () => {
    const { s } = store();
    const c = await s.create();
    if (!c.ok) throw new Error();
    const { id, senderToken } = c.session;
    expect(await s.join(id, 'sender', 'p1', 'wrong')).toEqual({ ok: false, code: 'forbidden' });
    expect(await s.join(id, 'sender', 'p1', senderToken)).toEqual({ ok: true, peers: [] });
    expect(await s.join(id, 'sender', 'p2', senderToken)).toEqual({ ok: false, code: 'full' });
    expect(await s.join(id, 'receiver', 'p3')).toEqual({ ok: true, peers: [{ peerId: 'p1', role: 'sender' }] });
    expect(await s.join(id, 'receiver', 'p4')).toEqual({ ok: false, code: 'full' });
    expect(await s.leave(id, 'p3')).toEqual({ peerId: 'p3', role: 'receiver' });
    expect(await s.join(id, 'receiver', 'p4')).toMatchObject({ ok: true });
    expect(await s.leave(id, 'nobody')).toBeNull();
  });

  it('admits as many receivers at once as the session allows, each session its own limit', async () => {
    const { s } = store();
    const three = await s.create({ maxReceivers: 3 });
    const one = await s.create();
    if (!three.ok || !one.ok) throw new Error();
    expect(three.session.maxReceivers).toBe(3);
    expect(one.session.maxReceivers).toBe(1);
    const id = three.session.id;
    for (const peer of ['r1', 'r2', 'r3']) expect(await s.join(id, 'receiver', peer)).toMatchObject({ ok: true });
    expect(await s.join(id, 'receiver', 'r4')).toEqual({ ok: false, code: 'full' });
    expect(await s.get(id)).toMatchObject({ maxReceivers: 3, peers: [{ peerId: 'r1' }, { peerId: 'r2' }, { peerId: 'r3' }] });
    // One leaving frees its place for another.
    await s.leave(id, 'r2');
    expect(await s.join(id, 'receiver', 'r4')).toEqual({
      ok: true,
      peers: [
        { peerId: 'r1', role: 'receiver' },
        { peerId: 'r3', role: 'receiver' },
      ],
    });
    // The other session still admits one.
    expect(await s.join(one.session.id, 'receiver', 'x1')).toMatchObject({ ok: true });
    expect(await s.join(one.session.id, 'receiver', 'x2')).toEqual({ ok: false, code: 'full' });
  });

  it('reports expiry, then sweeps expired sessions away', async () => {
    const { s, advance } = store();
    const c = await s.create();
    if (!c.ok) throw new Error();
    advance(59_999);
    expect(await s.sweep()).toEqual([]);
    advance(1);
    expect(await s.get(c.session.id)).toMatchObject({ expired: true });
    expect(await s.join(c.session.id, 'receiver', 'p')).toEqual({ ok: false, code: 'expired' });
    expect(await s.sweep()).toEqual([c.session.id]);
    expect(await s.get(c.session.id)).toBeNull();
    expect(await s.join(c.session.id, 'receiver', 'p')).toEqual({ ok: false, code: 'not_found' });
  });

  it('refuses new sessions at capacity until one is swept', async () => {
    const { s, advance } = store(2);
    await s.create();
    await s.create();
    expect(await s.create()).toEqual({ ok: false, code: 'capacity' });
    advance(60_000);
    await s.sweep();
    expect((await s.create()).ok).toBe(true);
  });
});

describe('in-memory session store: short-code nameplates', () => {
  async function created(s: MemorySessionStore, options: { code?: boolean; maxReceivers?: number } = { code: true }) {
    const c = await s.create(options);
    if (!c.ok) throw new Error(`create failed: ${c.code}`);
    return c.session;
  }

  it('hands out the smallest free number to sessions that ask for a code, and none to others', async () => {
    const { s } = store();
    const one = await created(s);
    const plain = await created(s, {});
    const two = await created(s, { code: true, maxReceivers: 3 });
    const notAsked = await created(s, { code: false });
    expect([one.nameplate, two.nameplate]).toEqual([1, 2]);
    expect(two.maxReceivers).toBe(3);
    expect(plain).not.toHaveProperty('nameplate');
    expect(notAsked).not.toHaveProperty('nameplate');
    expect(await s.findByNameplate(1)).toBe(one.id);
    expect(await s.findByNameplate(2)).toBe(two.id);
    expect(await s.findByNameplate(3)).toBeNull();
  });

  it('frees the number when the session ends, and the next session gets it back', async () => {
    const { s } = store();
    const [a, b, c] = [await created(s), await created(s), await created(s)];
    expect([a.nameplate, b.nameplate, c.nameplate]).toEqual([1, 2, 3]);
    await s.end(b.id);
    expect(await s.findByNameplate(2)).toBeNull();
    const d = await created(s);
    expect(d.nameplate).toBe(2);
    expect(await s.findByNameplate(2)).toBe(d.id);
    expect((await created(s)).nameplate).toBe(4);
    // Ending a session without a code, or one already gone, frees nothing else.
    const plain = await created(s, {});
    await s.end(plain.id);
    await s.end(b.id);
    expect(await s.findByNameplate(2)).toBe(d.id);
  });

  it('never names an expired session: the lookup misses at once, the number is reused, sweep frees the rest', async () => {
    const { s, advance } = store();
    const old = await created(s);
    const older = await created(s);
    advance(30_000);
    const young = await created(s);
    expect(young.nameplate).toBe(3);
    advance(30_000); // the first two expire; nothing swept yet
    expect(await s.findByNameplate(old.nameplate!)).toBeNull();
    expect(await s.findByNameplate(older.nameplate!)).toBeNull();
    expect(await s.findByNameplate(3)).toBe(young.id);
    const next = await created(s);
    expect(next.nameplate).toBe(1); // taken from the expired, unswept session
    expect(await s.findByNameplate(1)).toBe(next.id);
    expect(await s.sweep()).toEqual([old.id, older.id]);
    // The sweep frees the other's number, and does not take the reused one away.
    expect(await s.findByNameplate(1)).toBe(next.id);
    expect((await created(s)).nameplate).toBe(2);
  });

  it('refuses a code session with capacity when every number is taken, while sessions without a code go on', async () => {
    let now = 0;
    const s = new MemorySessionStore({ ttlMs: 1_000, maxSessions: 100, maxNameplate: 3, now: () => now });
    for (const n of [1, 2, 3]) expect((await created(s)).nameplate).toBe(n);
    expect(await s.create({ code: true })).toEqual({ ok: false, code: 'capacity' });
    expect((await s.create()).ok).toBe(true);
    now = 1_000;
    expect((await created(s)).nameplate).toBe(1);
  });
});

describe('in-memory session store: unclaimed sessions and per-owner caps', () => {
  function limited() {
    let now = 1_000;
    const s = new MemorySessionStore({ ttlMs: 3_600_000, unclaimedTtlMs: 60_000, maxSessions: 4, maxPerOwner: 2, now: () => now });
    return { s, advance: (ms: number) => (now += ms) };
  }

  it('a session whose sender never joined is gone 60 s after creation, with its nameplate and capacity', async () => {
    const { s, advance } = limited();
    const c = await s.create({ code: true });
    if (!c.ok) throw new Error();
    expect(c.session.expiresAt).toBe(1_000 + 3_600_000);
    advance(59_999);
    expect(await s.findByNameplate(1)).toBe(c.session.id);
    advance(1);
    expect(await s.get(c.session.id)).toBeNull();
    expect(await s.findByNameplate(1)).toBeNull();
    expect(await s.join(c.session.id, 'receiver', 'r')).toEqual({ ok: false, code: 'not_found' });
    expect(await s.sweep()).toEqual([c.session.id]);
  });

  it('once the sender joined, the session lives its full time', async () => {
    const { s, advance } = limited();
    const c = await s.create();
    if (!c.ok) throw new Error();
    advance(30_000);
    expect(await s.join(c.session.id, 'sender', 'p', c.session.senderToken)).toMatchObject({ ok: true });
    advance(3_000_000);
    expect(await s.get(c.session.id)).toMatchObject({ expired: false });
    expect(await s.sweep()).toEqual([]);
  });

  it('caps live sessions per owner, says when the next one ends, and counts ended or expired ones no more', async () => {
    const { s, advance } = limited();
    const a = await s.create({ owner: 'x' });
    advance(10_000);
    expect(await s.create({ owner: 'x' })).toMatchObject({ ok: true });
    expect(await s.create({ owner: 'x' })).toEqual({ ok: false, code: 'owner_limit', retryAfterMs: 50_000 });
    expect(await s.create({ owner: 'y' })).toMatchObject({ ok: true });
    if (!a.ok) throw new Error();
    await s.end(a.session.id);
    expect(await s.create({ owner: 'x' })).toMatchObject({ ok: true });
    expect(await s.create({ owner: 'x' })).toMatchObject({ ok: false, code: 'owner_limit' });
    advance(60_000);
    expect(await s.create({ owner: 'x' })).toMatchObject({ ok: true });
  });

  it('expired sessions do not hold the store full until the sweep', async () => {
    const { s, advance } = limited();
    for (const owner of ['a', 'b', 'c', 'd']) expect(await s.create({ owner })).toMatchObject({ ok: true });
    expect(await s.create({ owner: 'e' })).toEqual({ ok: false, code: 'capacity' });
    advance(60_000);
    expect(await s.create({ owner: 'e' })).toMatchObject({ ok: true });
  });

  it('tells a receiver join whether the session holds a code', async () => {
    const { s } = limited();
    const coded = await s.create({ code: true });
    const plain = await s.create();
    if (!coded.ok || !plain.ok) throw new Error();
    expect(await s.join(coded.session.id, 'receiver', 'r1')).toEqual({ ok: true, peers: [], coded: true });
    expect(await s.join(plain.session.id, 'receiver', 'r2')).toEqual({ ok: true, peers: [] });
  });
});
