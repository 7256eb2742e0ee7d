import type { Redis } from 'ioredis';
import { MAX_NAMEPLATE } from '../protocol/pake';
import type { Peer, Role } from '../protocol/signaling';
import { hashToken, newSenderToken, newSessionId } from './secrets';
import type { CreatedSession, CreateOptions, CreateOutcome, JoinOutcome, SessionStore, SessionView, StoreLimits } from './session-store';

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

export interface RedisStoreOptions extends StoreLimits {
  prefix?: string;
  /** Highest nameplate handed out (default MAX_NAMEPLATE); lower only in tests. */
  maxNameplate?: number;
}

// Until its sender joins, a session and its nameplate expire at `claimBy` (PXAT), and
// the index counts it until then; the sender's join moves all of them to `expiresAt`.
//
// An owner (limitKey of the creating address) keeps a sorted set `<prefix>owner:<key>`
// of its sessions scored by when each ends; the create script drops the ended ones,
// counts the rest against ARGV[10] and answers {2, ms until the next one ends} when full.
//
// ARGV[7] = the nameplate key prefix, or '' for no code; ARGV[8] = the highest nameplate.
// Tries n = 1, 2, … in the script, so the smallest free number wins atomically. Fewer
// than maxSessions sessions are live once the capacity check passes, so with
// ARGV[8] = min(maxSessions, MAX_NAMEPLATE) a free one is found unless every number is
// taken, and the loop never runs longer than that.
const CREATE = `
local now = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return {0} end
if ARGV[11] ~= '' then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
  if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[10]) then
    local first = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
    return {2, tonumber(first[2]) - now}
  end
end
local nameplate = false
if ARGV[7] ~= '' then
  for n = 1, tonumber(ARGV[8]) do
    if redis.call('SET', ARGV[7] .. n, ARGV[5], 'NX', 'PXAT', ARGV[9]) then
      nameplate = n
      break
    end
  end
  if not nameplate then return {0} end
  redis.call('HSET', KEYS[1], 'nameplate', nameplate)
end
redis.call('HSET', KEYS[1], 'tokenHash', ARGV[1], 'expiresAt', ARGV[2], 'maxReceivers', ARGV[6], 'claimBy', ARGV[9])
redis.call('PEXPIREAT', KEYS[1], ARGV[9])
redis.call('ZADD', KEYS[2], ARGV[9], ARGV[5])
if ARGV[11] ~= '' then
  redis.call('HSET', KEYS[1], 'owner', ARGV[11])
  redis.call('ZADD', KEYS[3], ARGV[9], ARGV[5])
  local pttl = redis.call('PTTL', KEYS[3])
  if pttl < 0 or now + pttl < tonumber(ARGV[9]) then redis.call('PEXPIREAT', KEYS[3], ARGV[9]) end
end
if nameplate then return {1, nameplate} end
return {1}`;

// The nameplate's session id, only while that session is live.
const FIND = `
local id = redis.call('GET', KEYS[1])
if not id then return false end
local s = redis.call('HMGET', ARGV[1] .. id, 'expiresAt', 'claimBy')
if not s[1] or tonumber(s[1]) <= tonumber(ARGV[2]) then return false end
if s[2] and tonumber(s[2]) <= tonumber(ARGV[2]) then return false end
return id`;

// Deletes the session's keys, frees its nameplate (if that still names this session)
// and its place in its owner's count.
const END = `
local s = redis.call('HMGET', KEYS[1], 'nameplate', 'owner')
if s[1] then
  local key = ARGV[2] .. s[1]
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
if s[2] then redis.call('ZREM', ARGV[3] .. s[2], ARGV[1]) end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[1])
return 1`;

// ARGV: role, peerId, tokenHash, now, session id, nameplate prefix, owner prefix.
// The sender's first join claims the session: every key moves to its full expiry.
const JOIN = `
local s = redis.call('HMGET', KEYS[1], 'tokenHash', 'expiresAt', 'maxReceivers', 'claimBy', 'owner', 'nameplate')
if not s[1] then return {'not_found'} end
local now = tonumber(ARGV[4])
if s[4] and tonumber(s[4]) <= now then return {'not_found'} end
if tonumber(s[2]) <= now then return {'expired'} end
local coded = 0
if s[6] then coded = 1 end
if ARGV[1] == 'sender' then
  if s[1] ~= ARGV[3] then return {'forbidden'} end
  if not redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PXAT', s[2]) then return {'full'} end
  if s[4] then
    redis.call('HDEL', KEYS[1], 'claimBy')
    redis.call('PEXPIREAT', KEYS[1], s[2])
    redis.call('ZADD', KEYS[4], s[2], ARGV[5])
    if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('PEXPIREAT', KEYS[3], s[2]) end
    if s[6] then
      local key = ARGV[6] .. s[6]
      if redis.call('GET', key) == ARGV[5] then redis.call('PEXPIREAT', key, s[2]) end
    end
    if s[5] then
      local key = ARGV[7] .. s[5]
      if redis.call('ZADD', key, 'XX', 'CH', s[2], ARGV[5]) == 1 then
        local pttl = redis.call('PTTL', key)
        if pttl < 0 or now + pttl < tonumber(s[2]) then redis.call('PEXPIREAT', key, s[2]) end
      end
    end
  end
else
  if redis.call('SCARD', KEYS[3]) >= (tonumber(s[3]) or 1) then return {'full'} end
  redis.call('SADD', KEYS[3], ARGV[2])
  redis.call('PEXPIREAT', KEYS[3], s[4] or s[2])
end
return {'ok', coded}`;

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

  private get ownerPrefix() {
    return `${this.prefix}owner:`;
  }

  async create(options: CreateOptions = {}): Promise<CreateOutcome> {
    const now = Date.now();
    const claimBy = now + Math.min(this.options.unclaimedTtlMs ?? this.options.ttlMs, this.options.ttlMs);
    const owner = options.owner !== undefined && this.options.maxPerOwner !== undefined ? options.owner : '';
    const session: CreatedSession = {
      id: newSessionId(),
      senderToken: newSenderToken(),
      expiresAt: now + this.options.ttlMs,
      maxReceivers: options.maxReceivers ?? 1,
    };
    const maxNameplate = Math.min(this.options.maxNameplate ?? MAX_NAMEPLATE, MAX_NAMEPLATE, this.options.maxSessions);
    const [created, nameplate] = (await this.redis.eval(
      CREATE,
      3,
      this.keys(session.id).session,
      this.index,
      `${this.ownerPrefix}${owner}`,
      hashToken(session.senderToken),
      String(session.expiresAt),
      String(now),
      String(this.options.maxSessions),
      session.id,
      String(session.maxReceivers),
      options.code ? this.nameplatePrefix : '',
      String(maxNameplate),
      String(claimBy),
      String(this.options.maxPerOwner ?? ''),
      owner,
    )) as [number, number?];
    if (created === 2) return { ok: false, code: 'owner_limit', retryAfterMs: Math.max(0, nameplate ?? 0) };
    if (created !== 1) return { ok: false, code: 'capacity' };
    return { ok: true, session: nameplate === undefined ? session : { ...session, nameplate } };
  }

  async findByNameplate(nameplate: number): Promise<string | null> {
    const id = await this.redis.eval(FIND, 1, `${this.nameplatePrefix}${nameplate}`, `${this.prefix}session:`, String(Date.now()));
    return typeof id === 'string' ? id : null;
  }

  async get(id: string): Promise<SessionView | null> {
    const k = this.keys(id);
    const [[expiresAt, maxReceivers, claimBy], sender, receivers] = await Promise.all([
      this.redis.hmget(k.session, 'expiresAt', 'maxReceivers', 'claimBy'),
      this.redis.get(k.sender),
      this.redis.smembers(k.receivers),
    ]);
    if (!expiresAt) return null;
    // Never claimed in time: gone (its keys expire at this moment anyway).
    if (claimBy && Date.now() >= Number(claimBy)) return null;
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
    const [outcome, coded] = (await this.redis.eval(
      JOIN,
      4,
      k.session,
      k.sender,
      k.receivers,
      this.index,
      role,
      peerId,
      token,
      String(Date.now()),
      id,
      this.nameplatePrefix,
      this.ownerPrefix,
    )) as [string, number?];
    if (outcome !== 'ok') return { ok: false, code: outcome as Exclude<JoinOutcome, { ok: true }>['code'] };
    this.local.add(id);
    const view = await this.get(id);
    return { ok: true, peers: (view?.peers ?? []).filter((p) => p.peerId !== peerId), ...(coded === 1 ? { coded: true } : {}) };
  }

  async leave(id: string, peerId: string): Promise<Peer | null> {
    const k = this.keys(id);
    const role = (await this.redis.eval(LEAVE, 2, k.sender, k.receivers, peerId)) as Role | null;
    return role ? { peerId, role } : null;
  }

  async end(id: string): Promise<void> {
    const k = this.keys(id);
    await this.redis.eval(END, 4, k.session, k.sender, k.receivers, this.index, id, this.nameplatePrefix, this.ownerPrefix);
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
