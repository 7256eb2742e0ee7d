import { VaultError } from '../protocol/errors';
import { LINK_KEY_BYTES } from '../protocol/ids';
import { fromBase64Url, toBase64Url } from '../protocol/base64url';
import { ephemeralSecret, type Ephemeral } from './ephemeral';
import { bufferSource, randomBytes, subtle, utf8 } from './webcrypto';

// K lives only in the link's fragment and in the two browsers. Every key the protocol
// uses is derived from it with HKDF-SHA256, separated by salt and info (protocol §2).

export interface SessionKeys {
  sessionId: string;
  /** seals SDP/ICE envelopes relayed by the server */
  signal: CryptoKey;
  /** seals JSON control frames on the DataChannel */
  control: CryptoKey;
  /**
   * HKDF base key of k_confirm_* and k_file: C for a connection (deriveConnectionKeys);
   * K from deriveSessionKeys, whose keys only signaling uses
   */
  base: CryptoKey;
}

export function generateLinkKey(): Uint8Array<ArrayBuffer> {
  return randomBytes(LINK_KEY_BYTES);
}

export function encodeLinkKey(key: Uint8Array): string {
  return toBase64Url(key);
}

/** Parses the fragment form of K; throws `key_invalid` unless it is exactly 32 bytes. */
export function decodeLinkKey(text: string): Uint8Array<ArrayBuffer> {
  let key: Uint8Array;
  try {
    key = fromBase64Url(text);
  } catch {
    throw new VaultError('key_invalid', 'link key is not base64url');
  }
  if (key.length !== LINK_KEY_BYTES) throw new VaultError('key_invalid', `link key must be ${LINK_KEY_BYTES} bytes`);
  return bufferSource(key);
}

async function deriveAesKey(base: CryptoKey, salt: Uint8Array, info: string): Promise<CryptoKey> {
  return subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: bufferSource(salt), info: utf8(info) },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

export async function deriveSessionKeys(linkKey: Uint8Array, sessionId: string): Promise<SessionKeys> {
  const base = await subtle.importKey('raw', bufferSource(linkKey), 'HKDF', false, ['deriveKey', 'deriveBits']);
  const salt = utf8(`p2pvault/v1|${sessionId}`);
  const [signal, control] = await Promise.all([deriveAesKey(base, salt, 'signal'), deriveAesKey(base, salt, 'control')]);
  return { sessionId, signal, control, base };
}

/** The two ephemeral public keys of one connection and their ECDH secret. */
export interface KeyExchange {
  senderPublic: string;
  receiverPublic: string;
  shared: Uint8Array;
}

/**
 * Keys for one peer connection: K and the connection's ECDH secret both go into the
 * HKDF input, so control frames, key confirmation and file chunks need both. Binding
 * the two public keys in `info` ties the keys to this exchange.
 */
export async function deriveConnectionKeys(linkKey: Uint8Array, sessionId: string, exchange: KeyExchange): Promise<SessionKeys> {
  const session = await deriveSessionKeys(linkKey, sessionId);
  const ikm = new Uint8Array(linkKey.length + exchange.shared.length);
  ikm.set(linkKey);
  ikm.set(exchange.shared, linkKey.length);
  const extract = await subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  const salt = utf8(`p2pvault/v1|${sessionId}`);
  const info = utf8(`connection|${exchange.senderPublic}|${exchange.receiverPublic}`);
  const connectionSecret = await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, extract, 256);
  const base = await subtle.importKey('raw', connectionSecret, 'HKDF', false, ['deriveKey', 'deriveBits']);
  const control = await deriveAesKey(base, salt, 'control');
  return { sessionId, signal: session.signal, control, base };
}

/**
 * This side's keys for one connection: the ECDH secret of our ephemeral key and the
 * peer's, then deriveConnectionKeys with the public keys in the sender's order, so
 * both sides bind the same exchange.
 */
export async function connectionKeysFor(
  role: 'sender' | 'receiver',
  linkKey: Uint8Array,
  sessionId: string,
  own: Ephemeral,
  peerPublic: string,
): Promise<SessionKeys> {
  const shared = await ephemeralSecret(own, peerPublic);
  const [senderPublic, receiverPublic] = role === 'sender' ? [own.publicKey, peerPublic] : [peerPublic, own.publicKey];
  return deriveConnectionKeys(linkKey, sessionId, { senderPublic, receiverPublic, shared });
}

/**
 * k_file for one file and key epoch (0, then +1 per resumed connection), salted with the
 * file id. STREAM nonces restart at each file's chunk index, so a resumed connection,
 * which sends chunks again from an index the old one may already have used, must seal
 * them under a key no earlier connection had.
 */
export async function deriveFileKey(keys: SessionKeys, fileId: Uint8Array, epoch: number): Promise<CryptoKey> {
  return deriveAesKey(keys.base, fileId, `p2pvault/v1 chunk|${epoch}`);
}
