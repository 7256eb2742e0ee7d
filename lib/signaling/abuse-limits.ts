import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

// Per-IP abuse limits (rate-limiter-flexible token buckets). Session ids are 128-bit
// random, so enumeration is infeasible anyway; the join limit makes even trying
// expensive, and failed joins cost more than successful ones. With Redis the budgets
// are shared by every instance; while Redis is away each instance falls back to its
// own memory (the insurance limiter) rather than refusing everyone.

export interface AbuseLimitSettings {
  sessionsPerMinute: number;
  eventsPerMinute: number;
  joinsPerMinute: number;
}

/** A failed join (unknown id, wrong token, expired) costs this many join points. */
export const FAILED_JOIN_COST = 5;

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
}

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
  const limiter = (keyPrefix: string, points: number): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: 60 });
    if (!redis) return memory;
    return new RateLimiterRedis({ storeClient: redis, keyPrefix: `p2pvault:limit:${keyPrefix}`, points, duration: 60, insuranceLimiter: memory });
  };
  const sessions = limiter('sessions', settings.sessionsPerMinute);
  const events = limiter('events', settings.eventsPerMinute);
  const joins = limiter('joins', settings.joinsPerMinute);
  return {
    createSession: (ip) => take(sessions, ip),
    socketEvent: (ip) => take(events, ip),
    join: (ip) => take(joins, ip),
    async joinFailed(ip) {
      await joins.penalty(ip, FAILED_JOIN_COST - 1);
    },
  };
}
