import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

// Per-IP abuse limits (rate-limiter-flexible token buckets). Session ids are 128-bit
// random, so enumeration is infeasible anyway; the join limit makes even trying
// expensive, and failed joins cost more than successful ones.

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

async function take(limiter: RateLimiterMemory, key: string, points = 1): Promise<LimitDecision> {
  try {
    await limiter.consume(key, points);
    return { ok: true };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    throw rejection;
  }
}

export function createAbuseLimits(settings: AbuseLimitSettings): AbuseLimits {
  const sessions = new RateLimiterMemory({ keyPrefix: 'sessions', points: settings.sessionsPerMinute, duration: 60 });
  const events = new RateLimiterMemory({ keyPrefix: 'events', points: settings.eventsPerMinute, duration: 60 });
  const joins = new RateLimiterMemory({ keyPrefix: 'joins', points: settings.joinsPerMinute, duration: 60 });
  return {
    createSession: (ip) => take(sessions, ip),
    socketEvent: (ip) => take(events, ip),
    join: (ip) => take(joins, ip),
    async joinFailed(ip) {
      await joins.penalty(ip, FAILED_JOIN_COST - 1);
    },
  };
}
