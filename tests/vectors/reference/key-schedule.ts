import { createECDH, hkdfSync } from 'node:crypto';

// The key schedule of docs/protocol.md §2, written from the doc alone on node:crypto, so
// the vectors do not come from the code they check. Every key is 32 bytes of HKDF-SHA256;
// strings in salts and infos are UTF-8.

const KEY_BYTES = 32;
const utf8 = (text: string) => Buffer.from(text, 'utf8');
const sessionSalt = (sessionId: string) => utf8(`p2pvault/v1|${sessionId}`);

function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, utf8(info), KEY_BYTES));
}

function p256(privateKey: Uint8Array) {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(privateKey);
  return ecdh;
}

/** SEC 1 uncompressed point 0x04 ‖ x ‖ y (65 bytes) of a P-256 private scalar. */
export function publicPoint(privateKey: Uint8Array): Buffer {
  return p256(privateKey).getPublicKey(null, 'uncompressed');
}

/** `dh` as it travels in the offer and answer, and as it enters C's info. */
export function dhText(point: Uint8Array): string {
  return Buffer.from(point).toString('base64url');
}

/** Z: the x-coordinate of the shared point, 32 bytes big-endian. */
export function ecdhSecret(privateKey: Uint8Array, peerPoint: Uint8Array): Buffer {
  return p256(privateKey).computeSecret(peerPoint);
}

/** C = HKDF(K ‖ Z, "p2pvault/v1|" + id, "connection|" + senderDh + "|" + receiverDh). */
export function connectionSecret(linkKey: Uint8Array, z: Uint8Array, sessionId: string, senderDh: string, receiverDh: string): Buffer {
  return hkdf(Buffer.concat([linkKey, z]), sessionSalt(sessionId), `connection|${senderDh}|${receiverDh}`);
}

/** k_sig, from K alone: signaling runs before any ECDH. */
export function signalKey(linkKey: Uint8Array, sessionId: string): Buffer {
  return hkdf(linkKey, sessionSalt(sessionId), 'signal');
}

export function controlKey(c: Uint8Array, sessionId: string): Buffer {
  return hkdf(c, sessionSalt(sessionId), 'control');
}

type Role = 'sender' | 'receiver';

export function confirmKey(c: Uint8Array, sessionId: string, role: Role): Buffer {
  return hkdf(c, sessionSalt(sessionId), `confirm|${role}`);
}

export function fileKey(c: Uint8Array, fileId: Uint8Array, epoch: number): Buffer {
  if (fileId.length !== 16) throw new RangeError('a file id is 16 bytes');
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError('an epoch is a non-negative integer');
  return hkdf(c, fileId, `p2pvault/v1 chunk|${epoch}`);
}
