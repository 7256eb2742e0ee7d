import { VaultError } from '../protocol/errors';
import { fromBase64Url, toBase64Url } from '../protocol/base64url';
import { bufferSource, subtle } from './webcrypto';

// Forward secrecy (protocol §2): each connection attempt makes a fresh P-256 key pair
// whose public half travels inside the sealed offer/answer. The shared secret is mixed
// into every key the connection uses, and the private halves are non-extractable and
// dropped with the connection, so a link leaked later cannot open a recorded transfer.

const CURVE = { name: 'ECDH', namedCurve: 'P-256' } as const;
/** Uncompressed P-256 point: 0x04 ‖ x ‖ y. */
export const EPHEMERAL_PUBLIC_BYTES = 65;

export interface Ephemeral {
  /** base64url of the raw public point, as sent in the offer/answer */
  publicKey: string;
  privateKey: CryptoKey;
}

export async function createEphemeral(): Promise<Ephemeral> {
  const pair = (await subtle.generateKey(CURVE, false, ['deriveBits'])) as CryptoKeyPair;
  const raw = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
  return { publicKey: toBase64Url(raw), privateKey: pair.privateKey };
}

/** ECDH with the peer's public point; throws `not_authentic` for anything not on the curve. */
export async function ephemeralSecret(own: Ephemeral, peerPublicKey: string): Promise<Uint8Array<ArrayBuffer>> {
  let peer: CryptoKey;
  try {
    const raw = fromBase64Url(peerPublicKey);
    if (raw.length !== EPHEMERAL_PUBLIC_BYTES) throw new Error('wrong length');
    peer = await subtle.importKey('raw', bufferSource(raw), CURVE, false, []);
  } catch {
    throw new VaultError('not_authentic', "the peer's ephemeral key is not a P-256 point");
  }
  return new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: peer }, own.privateKey, 256));
}
