import { Redis } from 'ioredis';
import type { Logger } from '../log';

// Two kinds of Redis connection. The store's fails fast while Redis is away, so a
// request gets a clear 503 instead of hanging; the adapter's waits and reconnects,
// because its stream reader retries in a tight loop on immediate failures.

export function storeConnection(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  watch(redis, 'store', logger);
  return redis;
}

export function adapterConnection(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (attempt) => Math.min(attempt * 200, 2_000) });
  watch(redis, 'adapter', logger);
  return redis;
}

/** Errors are reported once per outage; without a listener ioredis would crash the process. */
function watch(redis: Redis, role: string, logger: Logger): void {
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn('redis unavailable', { role, error: error.message });
  });
  redis.on('ready', () => {
    if (down) logger.info('redis back', { role });
    down = false;
  });
}
