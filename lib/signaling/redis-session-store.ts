import type { Redis } from 'ioredis';
import { MAX_NAMEPLATE } from '../protocol/pake';
import type { Peer, Role } from '../protocol/signaling';
import { hashToken, newSenderToken, newSessionId } from './secrets';
import type { CreatedSession, CreateOptions, JoinOutcome, SessionStore, SessionView } from './session-store';

// Sessions in Redis, shared by every instance behind the load balancer. Each session is
// three keys that expire with it (PXAT = expiresAt): a hash {tokenHash, expiresAt,
// maxReceivers}, the sender slot (a string claimed with SET NX) and the receivers (a
// set). Claims and capacity checks run as Lua scripts, so two instances can never both
// win a slot.
//
// A session made with a short code also holds `<prefix>nameplate:<n>` = its id, set with
// NX and the same PXAT, so the number is claimed once across instances and dies with
// the session; the hash keeps `nameplate` so that `end` frees it at once. The scripts
// build those key names themselves (a standalone Redis, as everywhere here: the session
// keys carry no hash tags for Redis Cluster either).

export interface RedisStoreOptions {
  ttlMs: number;
  maxSessions: number;
  prefix?: string;
  /** Highest nameplate handed out (default MAX_NAMEPLATE); lower only in tests. */
  maxNameplate?: number;
}

// ARGV[7] = the nameplate key prefix, or '' for no code; ARGV[8] = the highest nameplate.
// Tries n = 1, 2, … in the script, so the smallest free number wins atomically. Fewer
// than maxSessions sessions are live once the capacity check passes, so with
// ARGV[8] = min(maxSessions, MAX_NAMEPLATE) a free one is found unless every number is
// taken, and the loop never runs longer than that.
const CREATE = `
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return {0} end
local nameplate = false
if ARGV[7] ~= '' then
  for n = 1, tonumber(ARGV[8]) do
    if redis.call('SET', ARGV[7] .. n, ARGV[5], 'NX', 'PXAT', ARGV[2]) then
      nameplate = n
      break
    end
  end
  if not nameplate then return {0} end
  redis.call('HSET', KEYS[1], 'nameplate', nameplate)
end
redis.call('HSET', KEYS[1], 'tokenHash', ARGV[1], 'expiresAt', ARGV[2], 'maxReceivers', ARGV[6])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[5])
if nameplate then return {1, nameplate} end
return {1}`;

// The nameplate's session id, only while that session is live.
const FIND = `
local id = redis.call('GET', KEYS[1])
if not id then return false end
local expiresAt = redis.call('HGET', ARGV[1] .. id, 'expiresAt')
if not expiresAt or tonumber(expiresAt) <= tonumber(ARGV[2]) then return false end
return id`;

// Deletes the session's keys and frees its nameplate, if that still names this session.
const END = `
local nameplate = redis.call('HGET', KEYS[1], 'nameplate')
if nameplate then
  local key = ARGV[2] .. nameplate
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[1])
return 1`;

const JOIN = `
local s = redis.call('HMGET', KEYS[1], 'tokenHash', 'expiresAt', 'maxReceivers')
if not s[1] then return 'not_found' end
if tonumber(s[2]) <= tonumber(ARGV[4]) then return 'expired' end
if ARGV[1] == 'sender' then
  if s[1] ~= ARGV[3] then return 'forbidden' end
  if not redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PXAT', s[2]) then return 'full' end
else
  if redis.call('SCARD', KEYS[3]) >= (tonumber(s[3]) or 1) then return 'full' end
  redis.call('SADD', KEYS[3], ARGV[2])
  redis.call('PEXPIREAT', KEYS[3], s[2])
end
return 'ok'`;

const LEAVE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 'sender'
end
if redis.call('SREM', KEYS[2], ARGV[1]) == 1 then return 'receiver' end
return false`;

export class RedisSessionStore implements SessionStore {
  private readonly prefix: string;
  /** Sessions this instance has sockets in: the ones whose expiry it must announce. */
  private readonly local = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisStoreOptions,
  ) {
    this.prefix = options.prefix ?? 'p2pvault:';
  }

  private keys(id: string) {
    const base = `${this.prefix}session:${id}`;
    return { session: base, sender: `${base}:sender`, receivers: `${base}:receivers` };
  }

  private get index() {
    return `${this.prefix}sessions`;
  }

  private get nameplatePrefix() {
    return `${this.prefix}nameplate:`;
  }

  async create(options: CreateOptions = {}) {
    const now = Date.now();
    const session: CreatedSession = {
      id: newSessionId(),
      senderToken: newSenderToken(),
      expiresAt: now + this.options.ttlMs,
      maxReceivers: options.maxReceivers ?? 1,
    };
    const maxNameplate = Math.min(this.options.maxNameplate ?? MAX_NAMEPLATE, MAX_NAMEPLATE, this.options.maxSessions);
    const [created, nameplate] = (await this.redis.eval(
      CREATE,
      2,
      this.keys(session.id).session,
      this.index,
      hashToken(session.senderToken),
      String(session.expiresAt),
      String(now),
      String(this.options.maxSessions),
      session.id,
      String(session.maxReceivers),
      options.code ? this.nameplatePrefix : '',
      String(maxNameplate),
    )) as [number, number?];
    if (created !== 1) return { ok: false as const, code: 'capacity' as const };
    return { ok: true as const, session: nameplate === undefined ? session : { ...session, nameplate } };
  }

  async findByNameplate(nameplate: number): Promise<string | null> {
    const id = await this.redis.eval(FIND, 1, `${this.nameplatePrefix}${nameplate}`, `${this.prefix}session:`, String(Date.now()));
    return typeof id === 'string' ? id : null;
  }

  async get(id: string): Promise<SessionView | null> {
    const k = this.keys(id);
    const [[expiresAt, maxReceivers], sender, receivers] = await Promise.all([
      this.redis.hmget(k.session, 'expiresAt', 'maxReceivers'),
      this.redis.get(k.sender),
      this.redis.smembers(k.receivers),
    ]);
    if (!expiresAt) return null;
    return {
      id,
      expiresAt: Number(expiresAt),
      expired: Date.now() >= Number(expiresAt),
      maxReceivers: Number(maxReceivers ?? 1),
      peers: peersOf(sender, receivers),
    };
  }

  async join(id: string, role: Role, peerId: string, senderToken?: string): Promise<JoinOutcome> {
    const k = this.keys(id);
    const token = role === 'sender' ? hashToken(senderToken ?? '') : '';
    if (role === 'sender' && !senderToken) {
      const exists = await this.redis.exists(k.session);
      return { ok: false, code: exists ? 'forbidden' : 'not_found' };
    }
    const outcome = (await this.redis.eval(JOIN, 3, k.session, k.sender, k.receivers, role, peerId, token, String(Date.now()))) as string;
    if (outcome !== 'ok') return { ok: false, code: outcome as Exclude<JoinOutcome, { ok: true }>['code'] };
    this.local.add(id);
    const view = await this.get(id);
    return { ok: true, peers: (view?.peers ?? []).filter((p) => p.peerId !== peerId) };
  }

  async leave(id: string, peerId: string): Promise<Peer | null> {
    const k = this.keys(id);
    const role = (await this.redis.eval(LEAVE, 2, k.sender, k.receivers, peerId)) as Role | null;
    return role ? { peerId, role } : null;
  }

  async end(id: string): Promise<void> {
    const k = this.keys(id);
    await this.redis.eval(END, 4, k.session, k.sender, k.receivers, this.index, id, this.nameplatePrefix);
    this.local.delete(id);
  }

  /** Expiry is Redis's job (PXAT); this reports the local sessions that are gone. */
  async sweep(): Promise<string[]> {
    // One round trip for all of them: thousands of sessions per instance are normal.
    const ids = [...this.local];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.exists(this.keys(id).session);
    pipeline.zremrangebyscore(this.index, '-inf', Date.now());
    const results = (await pipeline.exec()) ?? [];
    const gone = ids.filter((_, i) => {
      const [error, exists] = results[i] ?? [null, 1];
      return !error && exists === 0;
    });
    for (const id of gone) this.local.delete(id);
    return gone;
  }
}

function peersOf(sender: string | null, receivers: string[]): Peer[] {
  const peers: Peer[] = receivers.sort().map((peerId) => ({ peerId, role: 'receiver' as const }));
  return sender ? [{ peerId: sender, role: 'sender' }, ...peers] : peers;
}
