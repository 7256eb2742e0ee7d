import type { SessionStore } from './session-store';

// Next bundles app/ route code separately from server.ts, so the two never share a
// module instance. They do share the process's globalThis: server.ts registers the
// one store there and the API routes look it up per request.

const KEY = Symbol.for('p2pvault.sessionStore');
type Registry = { [KEY]?: SessionStore };

export function registerSessionStore(store: SessionStore): void {
  (globalThis as Registry)[KEY] = store;
}

export function getSessionStore(): SessionStore {
  const store = (globalThis as Registry)[KEY];
  if (!store) throw new Error('No session store registered: start the app with server.ts (npm start), not `next start`.');
  return store;
}
