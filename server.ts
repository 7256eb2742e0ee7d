// The one HTTP server: Next.js pages and API routes plus Socket.IO signaling.
// Settings come from the environment (lib/config.ts); see README for the table.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, type Config } from './lib/config';
import { createLogger } from './lib/log';
import { contentSecurityPolicy, newNonce } from './lib/security/csp';
import { MemorySessionStore } from './lib/signaling/memory-session-store';
import { attachSignaling } from './lib/signaling/socket-server';
import { createAbuseLimits } from './lib/signaling/abuse-limits';
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

const logger = createLogger(config.LOG_LEVEL);
const store = new MemorySessionStore({ ttlMs: config.SESSION_TTL_SECONDS * 1000, maxSessions: config.MAX_SESSIONS });
const limits = createAbuseLimits({
  sessionsPerMinute: config.RATE_LIMIT_SESSIONS_PER_MINUTE,
  eventsPerMinute: config.RATE_LIMIT_EVENTS_PER_MINUTE,
  joinsPerMinute: config.RATE_LIMIT_JOINS_PER_MINUTE,
});
registerServerContext({ store, limits });
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
  req.headers[CLIENT_IP_HEADER] = clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], config.TRUST_PROXY);
  void handle(req, res);
});
const io = attachSignaling(server, {
  store,
  iceServers: config.ICE_SERVERS,
  logger,
  sweepIntervalMs: config.SESSION_SWEEP_SECONDS * 1000,
  limits,
  trustProxy: config.TRUST_PROXY,
  tamper: attack ? hostileRelay(attack) : undefined,
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
  logger.info('listening', { url: `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`, port, dev });
});

let stopping = false;
function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info('shutting down', { signal });
  // Closing Socket.IO disconnects every peer and closes the HTTP server.
  io.close(() => {
    logger.info('stopped');
    process.exit(0);
  });
  setTimeout(() => process.exit(0), 5_000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
