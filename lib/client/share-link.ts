import { SessionIdSchema } from '../protocol/ids';

// The share link is `<origin>/s/<sessionId>#<base64url K>`. The fragment is never
// sent to a server, in a request or a Referer.

export function buildShareLink(origin: string, sessionId: string, encodedKey: string): string {
  return `${origin}/s/${sessionId}#${encodedKey}`;
}

/** Extracts the key text from a location hash (`#…`); null when absent. */
export function keyFromHash(hash: string): string | null {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  return text.length > 0 ? text : null;
}

export const isSessionId = (id: string) => SessionIdSchema.safeParse(id).success;
