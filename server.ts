// The one HTTP server: Next.js pages and API routes plus Socket.IO signaling.
// Settings come from the environment (lib/config.ts); see README for the table.
import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, type Config } from './lib/config';
import { createLogger } from './lib/log';
import { contentSecurityPolicy, newNonce } from './lib/security/csp';
import { MemorySessionStore } from './lib/signaling/memory-session-store';
import { RedisSessionStore } from './lib/signaling/redis-session-store';
import { adapterConnection, storeConnection } from './lib/signaling/redis';
import { attachSignaling, closeSignaling } from './lib/signaling/socket-server';
import { createAbuseLimits } from './lib/signaling/abuse-limits';
import { guardRequestBody } from './lib/signaling/body-guard';
import { MAX_BODY_BYTES } from './lib/signaling/http-api';
import { limitKey } from './lib/signaling/limit-key';
import { clientIp } from './lib/signaling/client-ip';
import { hostileRelay } from './lib/signaling/hostile-relay';
import { CLIENT_IP_HEADER, registerServerContext } from './lib/signaling/server-context';

const dev = process.argv.includes('--dev');
(process.env as Record<string, string>).NODE_ENV ??= dev ? 'development' : 'production';

let config: Config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

let instance = config.INSTANCE_ID ?? `${hostname()}:${config.PORT}`;
const logger = createLogger(config.LOG_LEVEL);
const storeSettings = {
  ttlMs: config.SESSION_TTL_SECONDS * 1000,
  unclaimedTtlMs: config.SESSION_UNCLAIMED_TTL_SECONDS * 1000,
  maxSessions: config.MAX_SESSIONS,
  maxPerOwner: config.MAX_SESSIONS_PER_ADDRESS,
};
// With REDIS_URL every instance shares sessions, rooms and rate limits through Redis.
const redis = config.REDIS_URL ? storeConnection(config.REDIS_URL, logger) : null;
const store = redis ? new RedisSessionStore(redis, storeSettings) : new MemorySessionStore(storeSettings);
const limits = createAbuseLimits(
  {
    sessionsPerMinute: config.RATE_LIMIT_SESSIONS_PER_MINUTE,
    eventsPerMinute: config.RATE_LIMIT_EVENTS_PER_MINUTE,
    joinsPerMinute: config.RATE_LIMIT_JOINS_PER_MINUTE,
    codeLookupsPerMinute: config.RATE_LIMIT_CODE_LOOKUPS_PER_MINUTE,
  },
  redis ?? undefined,
);
registerServerContext({
  store,
  limits,
  logger,
  health: async () => ({ instance, redis: redis ? await ping(redis) : undefined }),
});
const attack = config.P2PVAULT_TEST_HOSTILE_RELAY;
if (attack) logger.warn('TEST MODE: the signaling relay attacks every session', { attack });

// Imported after NODE_ENV is settled: Next reads it while loading.
const { default: next } = await import('next');
const app = next({ dev, dir: import.meta.dirname, hostname: config.HOST, port: config.PORT });
await app.prepare();
const handle = app.getRequestHandler();

const server = createServer((req, res) => {
  // Next reads the nonce for its own scripts from the request's CSP header.
  const csp = contentSecurityPolicy(newNonce(), { dev });
  req.headers['content-security-policy'] = csp;
  res.setHeader('Content-Security-Policy', csp);
  // The API routes rate-limit by this header; whatever the client sent under that name is replaced.
  const ip = clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], config.TRUST_PROXY);
  req.headers[CLIENT_IP_HEADER] = ip;
  // No route takes more than a small JSON body; a bigger one (even chunked) is cut off.
  const passOn = guardRequestBody(req, res, MAX_BODY_BYTES, (how) =>
    logger.warn('refused', { limit: 'body_bytes', max: MAX_BODY_BYTES, how, address: limitKey(ip) }),
  );
  if (passOn) void handle(req, res);
});
const io = attachSignaling(server, {
  store,
  iceServers: config.ICE_SERVERS,
  turn: config.TURN_URLS && config.TURN_SECRET ? { urls: config.TURN_URLS, secret: config.TURN_SECRET, ttlSeconds: config.TURN_TTL_SECONDS } : undefined,
  iceTransportPolicy: config.ICE_TRANSPORT_POLICY,
  logger,
  sweepIntervalMs: config.SESSION_SWEEP_SECONDS * 1000,
  limits,
  trustProxy: config.TRUST_PROXY,
  maxSocketsPerAddress: config.MAX_SOCKETS_PER_ADDRESS,
  joinTimeoutMs: config.SOCKET_JOIN_TIMEOUT_SECONDS * 1000,
  codeExchangeTimeoutMs: config.CODE_EXCHANGE_TIMEOUT_SECONDS * 1000,
  tamper: attack ? hostileRelay(attack) : undefined,
  adapter: config.REDIS_URL ? createAdapter(adapterConnection(config.REDIS_URL, logger)) : undefined,
});
if (dev) {
  // Next's dev server needs its own WebSocket (HMR); Socket.IO answers its own path.
  const upgrade = app.getUpgradeHandler();
  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/socket.io/')) void upgrade(req, socket, head);
  });
}

server.listen(config.PORT, config.HOST, () => {
  const { port } = server.address() as AddressInfo;
  instance = config.INSTANCE_ID ?? `${hostname()}:${port}`;
  logger.info('listening', {
    url: `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`,
    port,
    dev,
    instance,
    store: redis ? 'redis' : 'memory',
  });
});

/** Liveness of the Redis connection for /api/health, bounded so a dead Redis answers fast. */
async function ping(client: NonNullable<typeof redis>): Promise<'ok' | 'down'> {
  const timeout = new Promise<'down'>((resolve) => setTimeout(() => resolve('down'), 1_000).unref());
  return Promise.race([client.ping().then(() => 'ok' as const, () => 'down' as const), timeout]);
}

let stopping = false;
function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info('shutting down', { signal });
  // Stop accepting, tell this instance's peers their signaling ends here, then close.
  // An open DataChannel is peer-to-peer and carries on without us.
  server.close();
  closeSignaling(io, 'shutdown');
  io.close(() => {
    void Promise.allSettled([redis?.quit()]).then(() => {
      logger.info('stopped');
      process.exit(0);
    });
  });
  setTimeout(() => process.exit(0), 5_000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
