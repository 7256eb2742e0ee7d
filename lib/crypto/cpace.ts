import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { VaultError } from '../protocol/errors';
import { randomBytes, utf8 } from './webcrypto';

// CPace, the balanced PAKE of draft-irtf-cfrg-cpace-21, cipher suite CPACE-RISTR255-SHA512
// (§8.3: group ristretto255 from RFC 9496, hash SHA-512), in the initiator-responder
// setting (§7, transcript_ir). Names follow the draft so the code can be read against it;
// tests/unit/crypto/cpace.test.ts checks each step against the draft's Appendix B.3
// vectors. The group arithmetic is @noble/curves (audited, constant-time `multiply`).
//
// K never leaves this module (§10.3): a leaked K would allow an offline guess of the
// password. Callers get ISK only, and must run it through a KDF before use.

const Point = ristretto255.Point;
type Point = InstanceType<typeof Point>;

export const CPACE_SHARE_BYTES = 32; // encoded ristretto255 element: Ya, Yb
export const CPACE_ISK_BYTES = 64; // SHA-512 output

const DSI = utf8('CPaceRistretto255'); // G_Ristretto255.DSI
const DSI_ISK = utf8('CPaceRistretto255_ISK'); // G.DSI || b"_ISK"
const SHA512_BLOCK_BYTES = 128; // H.s_in_bytes
const IDENTITY = new Uint8Array(CPACE_SHARE_BYTES); // G.I, the encoding of the neutral element
const GROUP_ORDER = Point.Fn.ORDER;

/** The octets with their length prepended as LEB128 (draft A.1.1). */
export function prependLen(data: Uint8Array): Uint8Array {
  const length: number[] = [];
  let n = data.length;
  for (;;) {
    const low = n & 0x7f;
    n = Math.floor(n / 128);
    if (n === 0) {
      length.push(low);
      break;
    }
    length.push(low | 0x80);
  }
  return concatBytes(Uint8Array.from(length), data);
}

/** Length-value concatenation, a prefix-free encoding (draft A.1.3). */
export function lvCat(...parts: Uint8Array[]): Uint8Array {
  return concatBytes(...parts.map(prependLen));
}

/**
 * lv_cat(DSI, PRS, zero padding, CI, sid) (draft A.2). The padding makes DSI and PRS fill
 * the first hash block, so the block holding the password hashes in the same time for
 * every short password and holds nothing session-specific.
 */
export function generatorString(dsi: Uint8Array, prs: Uint8Array, ci: Uint8Array, sid: Uint8Array, sInBytes: number): Uint8Array {
  const lenZpad = Math.max(0, sInBytes - 1 - prependLen(prs).length - prependLen(dsi).length);
  return lvCat(dsi, prs, new Uint8Array(lenZpad), ci, sid);
}

/** The secret generator g: element derivation (RFC 9496 §4.3.4) of SHA-512(generator_string). */
export function calculateGenerator(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): Point {
  return ristretto255_hasher.deriveToCurve!(sha512(generatorString(DSI, prs, ci, sid, SHA512_BLOCK_BYTES)));
}

/**
 * The draft's recommended sampling (§8.3): 32 random bytes with the bits above
 * group_size_bits = 252 cleared, read little-endian; always below the group order.
 * Zero (chance 2^-252) is drawn again since it would make a share of the identity.
 */
export function sampleScalar(): bigint {
  for (;;) {
    const bytes = randomBytes(32);
    bytes[31]! &= 0x0f;
    const scalar = bytesToNumberLE(bytes);
    if (scalar !== 0n) return scalar;
  }
}

/** A little-endian scalar as the vectors spell it; throws outside 1..order-1. */
export function scalarFromBytes(bytes: Uint8Array): bigint {
  const scalar = bytesToNumberLE(bytes);
  if (bytes.length !== 32 || scalar === 0n || scalar >= GROUP_ORDER) throw new RangeError('CPace scalar out of range');
  return scalar;
}

/** Y = encode(y * g). */
export function scalarMult(y: bigint, g: Point): Uint8Array {
  return g.multiply(y).toBytes();
}

/** encode(y * decode(X)), or G.I when X is no canonical encoding of an element (§8.3). */
export function scalarMultVfy(y: bigint, x: Uint8Array): Uint8Array {
  let point: Point;
  try {
    point = Point.fromBytes(x);
  } catch {
    return IDENTITY;
  }
  return point.multiply(y).toBytes();
}

/** lv_cat(Ya, ADa) || lv_cat(Yb, ADb): the initiator's message always comes first. */
export function transcriptIr(ya: Uint8Array, ada: Uint8Array, yb: Uint8Array, adb: Uint8Array): Uint8Array {
  return concatBytes(lvCat(ya, ada), lvCat(yb, adb));
}

function lexicographicallyLarger(a: Uint8Array, b: Uint8Array): boolean {
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i++) {
    if (a[i] !== b[i]) return a[i]! > b[i]!;
  }
  return a.length > b.length;
}

/** b"oc" and the larger string first (draft A.3.2), for the symmetric setting. */
export function oCat(a: Uint8Array, b: Uint8Array): Uint8Array {
  return lexicographicallyLarger(a, b) ? concatBytes(utf8('oc'), a, b) : concatBytes(utf8('oc'), b, a);
}

/** The symmetric setting's transcript (draft A.3.6); we run initiator-responder, kept for the vectors. */
export function transcriptOc(ya: Uint8Array, ada: Uint8Array, yb: Uint8Array, adb: Uint8Array): Uint8Array {
  return oCat(lvCat(ya, ada), lvCat(yb, adb));
}

/** ISK = SHA-512(lv_cat(DSI_ISK, sid, K) || transcript) (§7.2). */
export function deriveIsk(sid: Uint8Array, k: Uint8Array, transcript: Uint8Array): Uint8Array {
  return sha512(concatBytes(lvCat(DSI_ISK, sid, k), transcript));
}

export interface CpaceInputs {
  /** The password-related string: for short codes, codePassword(words). */
  prs: Uint8Array;
  /** A public id unique to this session; both sides must pass the same. */
  sid: Uint8Array;
  /** Channel identifier: confidential, both sides must pass the same. */
  ci: Uint8Array;
  /** This side's associated data (ADa for the initiator, ADb for the responder). */
  ad: Uint8Array;
}

export interface CpaceParty {
  /** Ya or Yb: the public share to send. */
  readonly share: Uint8Array;
  /**
   * ISK from the peer's share and associated data. Throws `protocol_violation` when the
   * share is no valid element or yields the identity (the draft's abort on K = G.I).
   * One call per party: a scalar serves one session only (§10.9).
   */
  finish(peerShare: Uint8Array, peerAd: Uint8Array): Uint8Array;
}

function party(role: 'initiator' | 'responder', inputs: CpaceInputs, scalar?: Uint8Array): CpaceParty {
  const y = scalar === undefined ? sampleScalar() : scalarFromBytes(scalar);
  const share = scalarMult(y, calculateGenerator(inputs.prs, inputs.ci, inputs.sid));
  let finished = false;
  return {
    share,
    finish(peerShare, peerAd) {
      if (finished) throw new Error('this CPace party already finished');
      finished = true;
      const k = peerShare.length === CPACE_SHARE_BYTES ? scalarMultVfy(y, peerShare) : IDENTITY;
      if (k.every((byte, i) => byte === IDENTITY[i])) {
        throw new VaultError('protocol_violation', "the peer's CPace share is not a valid ristretto255 element");
      }
      const transcript =
        role === 'initiator' ? transcriptIr(share, inputs.ad, peerShare, peerAd) : transcriptIr(peerShare, peerAd, share, inputs.ad);
      return deriveIsk(inputs.sid, k, transcript);
    },
  };
}

/** Party A, who sends first. `scalar` (ya, little-endian) is for the vector tests only. */
export function cpaceInitiator(inputs: CpaceInputs, scalar?: Uint8Array): CpaceParty {
  return party('initiator', inputs, scalar);
}

/** Party B, who answers. `scalar` (yb, little-endian) is for the vector tests only. */
export function cpaceResponder(inputs: CpaceInputs, scalar?: Uint8Array): CpaceParty {
  return party('responder', inputs, scalar);
}
