import { z } from 'zod';
import { IceServerSchema } from './protocol/signaling';
import { HOSTILE_ATTACKS } from './signaling/hostile-attacks';

// The server's settings, read from the environment once at start-up. A bad value
// stops start-up with a message naming the variable, rather than misbehaving later.

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const jsonArray = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be JSON' });
    return z.NEVER;
  }
});

// turn: or turns: host[:port], optionally ?transport=udp|tcp (RFC 7065).
const TurnUrlSchema = z.string().regex(/^turns?:[^\s?/]+(\?transport=(udp|tcp))?$/, 'must be turn:host[:port] or turns:host[:port], optionally ?transport=udp|tcp');

/** A JSON array, or a comma-separated list: one URL per TURN listener (udp, tcp, tls). */
const urlList = z.string().transform((text, ctx) => {
  if (!text.trim().startsWith('[')) return text.split(',').map((url) => url.trim()).filter(Boolean);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON array of URLs or a comma-separated list' });
    return z.NEVER;
  }
});

const hasTurnEntry = (servers: { urls: string | string[] }[]) => servers.some((s) => [s.urls].flat().some((url) => /^turns?:/.test(url)));

export const ConfigSchema = z.object({
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  SESSION_TTL_SECONDS: int(1, 7 * 24 * 3600).default(3600),
  SESSION_SWEEP_SECONDS: int(1, 3600).default(30),
  MAX_SESSIONS: int(1, 10_000_000).default(10_000),
  // A session whose sender has not joined this long after its creation is removed
  // (the sender's page joins at once), so never-used sessions cannot fill MAX_SESSIONS.
  SESSION_UNCLAIMED_TTL_SECONDS: int(1, 7 * 24 * 3600).default(60),
  // Live sessions one address (IPv6: one /64) may hold at once: POST /api/session → 429 beyond.
  MAX_SESSIONS_PER_ADDRESS: int(1, 10_000_000).default(20),
  // Socket.IO connections one address (IPv6: one /64) may hold on one instance.
  MAX_SOCKETS_PER_ADDRESS: int(1, 10_000_000).default(50),
  // A socket that has not joined a session this long after connecting is closed.
  SOCKET_JOIN_TIMEOUT_SECONDS: int(1, 3600).default(30),
  // A receiver of a code session that the sender has not confirmed (it proved the key)
  // this long after its join is removed, so a squatter cannot hold the slot.
  CODE_EXCHANGE_TIMEOUT_SECONDS: int(1, 3600).default(30),
  // Public STUN lets peers behind NATs find each other; set `[]` for LAN-only or tests.
  ICE_SERVERS: jsonArray.pipe(z.array(IceServerSchema).max(10)).default([{ urls: 'stun:stun.l.google.com:19302' }]),
  // TURN relay with per-peer coturn REST credentials (lib/signaling/turn-credentials.ts),
  // handed out only in a successful join's ack.
  TURN_URLS: urlList.pipe(z.array(TurnUrlSchema).min(1, 'lists no URL').max(10)).optional(),
  TURN_SECRET: z.string().min(16, 'must be at least 16 characters (coturn static-auth-secret)').max(512).optional(),
  // A credential should outlive the transfer it serves: once expired, coturn refuses it for new allocations.
  TURN_TTL_SECONDS: int(60, 7 * 24 * 3600).default(3600),
  // 'relay': browsers use only the TURN relay, never direct paths (hides their addresses from each other).
  ICE_TRANSPORT_POLICY: z.enum(['all', 'relay']).default('all'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  // Per-IP abuse limits (lib/signaling/abuse-limits.ts).
  RATE_LIMIT_SESSIONS_PER_MINUTE: int(1, 10_000_000).default(20),
  RATE_LIMIT_EVENTS_PER_MINUTE: int(1, 100_000_000).default(600),
  RATE_LIMIT_JOINS_PER_MINUTE: int(1, 10_000_000).default(30),
  // GET /api/code/<nameplate>: a lookup of a number no session holds costs 5.
  RATE_LIMIT_CODE_LOOKUPS_PER_MINUTE: int(1, 10_000_000).default(30),
  // Several instances share sessions and rooms through Redis; unset = one process, in memory.
  REDIS_URL: z.string().regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL').optional(),
  // Names this instance in /api/health and logs (default host:port).
  INSTANCE_ID: z.string().regex(/^[\w.:-]{1,64}$/, 'letters, digits, . _ : - only').optional(),
  // Set behind our own reverse proxy so limits see the real client (X-Forwarded-For).
  TRUST_PROXY: z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true').default(false),
  // TEST ONLY: an actively malicious relay for the hostile-relay e2e tests. Needs
  // P2PVAULT_TEST=1 as well, so a stray variable alone cannot turn it on.
  P2PVAULT_TEST: z.literal('1').optional(),
  P2PVAULT_TEST_HOSTILE_RELAY: z.enum(HOSTILE_ATTACKS).optional(),
}).superRefine((c, ctx) => {
  if (c.P2PVAULT_TEST_HOSTILE_RELAY && c.P2PVAULT_TEST !== '1') {
    ctx.addIssue({ code: 'custom', path: ['P2PVAULT_TEST_HOSTILE_RELAY'], message: 'is a test-only setting and needs P2PVAULT_TEST=1' });
  }
  // Half a TURN setup would hand out credentials coturn refuses, or none at all.
  if (c.TURN_URLS && !c.TURN_SECRET) ctx.addIssue({ code: 'custom', path: ['TURN_SECRET'], message: 'is required when TURN_URLS is set' });
  if (c.TURN_SECRET && !c.TURN_URLS) ctx.addIssue({ code: 'custom', path: ['TURN_URLS'], message: 'is required when TURN_SECRET is set' });
  if (c.ICE_TRANSPORT_POLICY === 'relay' && !c.TURN_URLS && !hasTurnEntry(c.ICE_SERVERS)) {
    ctx.addIssue({ code: 'custom', path: ['ICE_TRANSPORT_POLICY'], message: "'relay' needs a TURN server: set TURN_URLS and TURN_SECRET" });
  }
});
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** Parses the environment; empty variables count as unset. Throws ConfigError. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const keys = Object.keys(ConfigSchema.shape);
  const present = Object.fromEntries(keys.flatMap((k) => (env[k] ? [[k, env[k]]] : [])));
  const parsed = ConfigSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}
