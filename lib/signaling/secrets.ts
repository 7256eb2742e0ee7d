import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { PEER_ID_BYTES, SENDER_TOKEN_BYTES, SESSION_ID_BYTES } from '../protocol/ids';

// Server-side random identifiers. The store keeps only a hash of the sender token.

export const newSessionId = () => randomBytes(SESSION_ID_BYTES).toString('base64url');
export const newSenderToken = () => randomBytes(SENDER_TOKEN_BYTES).toString('base64url');
export const newPeerId = () => randomBytes(PEER_ID_BYTES).toString('base64url');

export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

export function tokenMatches(token: string | undefined, expectedHash: string): boolean {
  if (!token) return false;
  const a = Buffer.from(hashToken(token));
  const b = Buffer.from(expectedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}
