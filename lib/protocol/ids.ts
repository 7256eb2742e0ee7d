import { z } from './zod';

// Sizes of the random values the protocol names, and their base64url spellings.
export const SESSION_ID_BYTES = 16; // 128 bits: unguessable session ids
export const SENDER_TOKEN_BYTES = 32; // 256 bits: proves the sender role
export const LINK_KEY_BYTES = 32; // K, the secret in the link's fragment
export const PEER_ID_BYTES = 12;
export const FILE_ID_BYTES = 16;

const b64url = (chars: number) => new RegExp(`^[A-Za-z0-9_-]{${chars}}$`);

export const SessionIdSchema = z.string().regex(b64url(22), 'session id must be 22 base64url characters');
export const SenderTokenSchema = z.string().regex(b64url(43), 'sender token must be 43 base64url characters');
export const PeerIdSchema = z.string().regex(b64url(16), 'peer id must be 16 base64url characters');
export const FileIdSchema = z.string().regex(b64url(22), 'file id must be 22 base64url characters');
export const LinkKeySchema = z.string().regex(b64url(43), 'link key must be 43 base64url characters');

export type SessionId = z.infer<typeof SessionIdSchema>;
export type PeerId = z.infer<typeof PeerIdSchema>;
