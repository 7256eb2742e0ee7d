import { VaultError } from '../protocol/errors';
import { fromBase64Url, toBase64Url } from '../protocol/base64url';
import type { SessionKeys } from './keys';
import { bufferSource, subtle, utf8 } from './webcrypto';

// Key confirmation (protocol §2): once the DataChannel is open, each side proves it
// holds K by a MAC over what it actually connected with — the session id and both
// DTLS fingerprints from the local and remote SDP. A peer that answered with another
// key, or a connection whose fingerprints differ between the two sides, fails here
// before any file byte flows.

export type ConfirmRole = 'sender' | 'receiver';

async function confirmKey(keys: SessionKeys, role: ConfirmRole): Promise<CryptoKey> {
  return subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: utf8(`p2pvault/v1|${keys.sessionId}`), info: utf8(`confirm|${role}`) },
    keys.base,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign', 'verify'],
  );
}

/** The transcript both sides must agree on; fingerprints are normalised to lower case. */
export function confirmationTranscript(sessionId: string, senderFingerprints: string[], receiverFingerprints: string[]): Uint8Array {
  const norm = (fps: string[]) => fps.map((f) => f.trim().toLowerCase()).sort().join(',');
  return utf8(`p2pvault/v1 confirm|${sessionId}|${norm(senderFingerprints)}|${norm(receiverFingerprints)}`);
}

export async function confirmationMac(keys: SessionKeys, role: ConfirmRole, transcript: Uint8Array): Promise<string> {
  const mac = await subtle.sign('HMAC', await confirmKey(keys, role), bufferSource(transcript));
  return toBase64Url(new Uint8Array(mac));
}

/** Throws `not_authentic` unless `mac` is `role`'s MAC over `transcript`. */
export async function verifyConfirmation(keys: SessionKeys, role: ConfirmRole, transcript: Uint8Array, mac: string): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(mac);
  } catch {
    throw new VaultError('not_authentic', 'key confirmation is not base64url');
  }
  const valid = await subtle.verify('HMAC', await confirmKey(keys, role), bufferSource(bytes), bufferSource(transcript));
  if (!valid) throw new VaultError('not_authentic', `the ${role}'s key confirmation does not match this connection`);
}
