import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { limitKey } from './limit-key';

// Per-IP abuse limits (rate-limiter-flexible token buckets). Session ids are 128-bit
// random, so enumeration is infeasible anyway; the join limit makes even trying
// expensive, and failed joins cost more than successful ones. With Redis the budgets
// are shared by every instance; while Redis is away each instance falls back to its
// own memory (the insurance limiter) rather than refusing everyone. The per-event budget
// is always per instance (see below).
//
// Short-code nameplates are small numbers handed out in order, so unlike session ids
// they are trivially guessed: the code-lookup budget is what slows someone walking
// through them to find sessions to join (the PAKE words still stand between such a
// visitor and the files: one guess per session).
//
// Every budget is kept per limitKey(ip): an IPv4 address, or an IPv6 /64.

export interface AbuseLimitSettings {
  sessionsPerMinute: number;
  eventsPerMinute: number;
  joinsPerMinute: number;
  codeLookupsPerMinute: number;
}

/** A failed join (unknown id, wrong token, expired) costs this many join points. */
export const FAILED_JOIN_COST = 5;
/** A lookup of a number no session holds costs this many code-lookup points. */
export const FAILED_CODE_LOOKUP_COST = 5;

export type LimitDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface AbuseLimits {
  /** One session creation (POST /api/session) from `ip`. */
  createSession(ip: string): Promise<LimitDecision>;
  /** Any socket event from `ip`. */
  socketEvent(ip: string): Promise<LimitDecision>;
  /** A join attempt from `ip`. */
  join(ip: string): Promise<LimitDecision>;
  /** Charges `ip` extra after a join that failed. */
  joinFailed(ip: string): Promise<void>;
  /** One short-code lookup (GET /api/code/<nameplate>) from `ip`. */
  codeLookup(ip: string): Promise<LimitDecision>;
  /** Charges `ip` extra after a lookup that found no session. */
  codeLookupFailed(ip: string): Promise<void>;
  /** `ip` held a code session's receiver slot without finishing the code exchange: it may not take one there again for a while. */
  squatted(ip: string, sessionId: string): Promise<void>;
  /** Whether `ip` was removed from `sessionId` as a squatter recently (then its receiver joins there are refused). */
  isSquatter(ip: string, sessionId: string): Promise<boolean>;
}

/** How long an address removed from a code session's receiver slot stays barred from that session. */
export const SQUATTER_BAR_SECONDS = 600;

async function take(limiter: RateLimiterAbstract, key: string, points = 1): Promise<LimitDecision> {
  try {
    await limiter.consume(key, points);
    return { ok: true };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    throw rejection;
  }
}

export function createAbuseLimits(settings: AbuseLimitSettings, redis?: Redis): AbuseLimits {
  const limiter = (keyPrefix: string, points: number, sharedBudget: boolean, duration = 60): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration });
    if (!redis || !sharedBudget) return memory;
    return new RateLimiterRedis({ storeClient: redis, keyPrefix: `p2pvault:limit:${keyPrefix}`, points, duration, insuranceLimiter: memory });
  };
  const sessions = limiter('sessions', settings.sessionsPerMinute, true);
  // Every relayed signal passes this one: a Redis round trip here would double the relay
  // latency, and a flood guard per instance is enough (an address's sockets are pinned
  // to one instance by the load balancer). Creations and joins, which bound guessing,
  // stay shared.
  const events = limiter('events', settings.eventsPerMinute, false);
  const joins = limiter('joins', settings.joinsPerMinute, true);
  const codeLookups = limiter('codes', settings.codeLookupsPerMinute, true);
  const squatters = limiter('squat', 1, true, SQUATTER_BAR_SECONDS);
  const k = limitKey;
  return {
    createSession: (ip) => take(sessions, k(ip)),
    socketEvent: (ip) => take(events, k(ip)),
    join: (ip) => take(joins, k(ip)),
    async joinFailed(ip) {
      await joins.penalty(k(ip), FAILED_JOIN_COST - 1);
    },
    codeLookup: (ip) => take(codeLookups, k(ip)),
    async codeLookupFailed(ip) {
      await codeLookups.penalty(k(ip), FAILED_CODE_LOOKUP_COST - 1);
    },
    async squatted(ip, sessionId) {
      await squatters.penalty(`${k(ip)}|${sessionId}`, 1);
    },
    async isSquatter(ip, sessionId) {
      const seen = await squatters.get(`${k(ip)}|${sessionId}`);
      return (seen?.consumedPoints ?? 0) >= 1;
    },
  };
}
