import type { Logger } from '../log';
import type { AbuseLimits } from './abuse-limits';
import type { SessionStore } from './session-store';

// Next bundles app/ route code separately from server.ts, so the two never share a
// module instance. They do share the process's globalThis: server.ts registers the
// one store and the abuse limits there, and the API routes look them up per request.

export interface HealthReport {
  instance: string;
  /** present only when the instance runs on Redis */
  redis?: 'ok' | 'down';
}

export interface ServerContext {
  store: SessionStore;
  limits: AbuseLimits;
  /** For refusals the API logs (no secrets: limit names and address keys only). */
  logger?: Logger;
  health(): Promise<HealthReport>;
}

const KEY = Symbol.for('p2pvault.serverContext');
type Registry = { [KEY]?: ServerContext };

/**
 * The client's address as server.ts determined it (TRUST_PROXY aware). server.ts
 * overwrites this header on every request, so a client cannot supply its own.
 */
export const CLIENT_IP_HEADER = 'x-p2pvault-client-ip';

export function registerServerContext(context: ServerContext): void {
  (globalThis as Registry)[KEY] = context;
}

export function getServerContext(): ServerContext {
  const context = (globalThis as Registry)[KEY];
  if (!context) throw new Error('No server context registered: start the app with server.ts (npm start), not `next start`.');
  return context;
}
