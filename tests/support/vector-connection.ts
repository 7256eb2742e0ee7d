import { ephemeralSecret, type Ephemeral } from '../../lib/crypto/ephemeral';
import { deriveConnectionKeys, type SessionKeys } from '../../lib/crypto/keys';
import { subtle } from '../../lib/crypto/webcrypto';
import type { ConnectionVector, PeerKeyVector } from '../vectors/vector-format';

// The vectors' fixed connection as lib/ keys it: each side's fixed P-256 private key
// imported into WebCrypto, then lib's own ECDH and key schedule from there. Each side
// derives from its own view, as two browsers do.

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const b64url = (data: Uint8Array) => Buffer.from(data).toString('base64url');

/** A fixed private scalar where lib expects a fresh non-extractable key pair. */
async function fixedEphemeral(peer: PeerKeyVector): Promise<Ephemeral> {
  const point = bytes(peer.publicPoint);
  const jwk: JsonWebKey = { kty: 'EC', crv: 'P-256', d: b64url(bytes(peer.privateKey)), x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33)) };
  const privateKey = await subtle.importKey('jwk', jwk, { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  return { publicKey: peer.dh, privateKey };
}

export interface ProjectSide {
  /** Z as lib's ephemeralSecret computes it on this side */
  shared: Uint8Array;
  keys: SessionKeys;
}

/** Both ends of the connection; `linkKey` (hex) replaces K, as for a chunk from another link. */
export async function projectConnection(connection: ConnectionVector, linkKey = connection.K): Promise<{ sender: ProjectSide; receiver: ProjectSide }> {
  const [sender, receiver] = await Promise.all([fixedEphemeral(connection.sender), fixedEphemeral(connection.receiver)]);
  const side = async (own: Ephemeral, peer: Ephemeral): Promise<ProjectSide> => {
    const shared = await ephemeralSecret(own, peer.publicKey);
    const exchange = { senderPublic: sender.publicKey, receiverPublic: receiver.publicKey, shared };
    return { shared, keys: await deriveConnectionKeys(bytes(linkKey), connection.sessionId, exchange) };
  };
  return { sender: await side(sender, receiver), receiver: await side(receiver, sender) };
}
