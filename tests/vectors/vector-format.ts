import type { ControlFrameType } from './reference/frame-types';
import type { Direction } from './reference/control-frame';
import type { Envelope } from './reference/envelope';

// The shapes of tests/vectors/*.json, written by generate-vectors.ts from the reference
// implementation and read by the unit tests that hold lib/ to them. Bytes are hex unless
// the protocol itself spells them in base64url.

/** One side's fixed P-256 key pair. */
export interface PeerKeyVector {
  privateKey: string;
  /** SEC 1 uncompressed, 65 bytes */
  publicPoint: string;
  /** the point as `dh` carries it, base64url */
  dh: string;
}

/** One connection's key schedule (docs/protocol.md §2), from the inputs to every key. */
export interface ConnectionVector {
  K: string;
  sessionId: string;
  sender: PeerKeyVector;
  receiver: PeerKeyVector;
  Z: string;
  C: string;
  k_sig: string;
  k_ctrl: string;
  k_confirm_sender: string;
  k_confirm_receiver: string;
}

/** Which C a chunk is sealed under: the connection's, or another link's over the same ECDH. */
export type LinkName = 'link' | 'otherLink';

export interface FileKeyVector {
  link: LinkName;
  fileId: string;
  epoch: number;
  k_file: string;
}

export interface ChunkNonceVector {
  index: number;
  last: boolean;
  nonce: string;
}

/** One vector: hex chunk frames for one file, and what a receiver must conclude. */
export interface StreamVector {
  name: string;
  fileSize: number;
  receiverEpoch: number;
  frames: string[];
  expected: { plaintext: string } | { error: string };
}

export interface StreamVectorSuite {
  description: string;
  connection: ConnectionVector;
  /** another link key over the same ephemeral keys, and its C */
  otherLink: { K: string; C: string };
  fileId: string;
  otherFileId: string;
  chunkSize: number;
  /** every k_file a frame below is sealed under */
  fileKeys: FileKeyVector[];
  /** every chunk nonce a frame below is sealed with */
  chunkNonces: ChunkNonceVector[];
  vectors: StreamVector[];
}

export interface EnvelopeVector {
  name: string;
  from: string;
  to: string;
  aad: string;
  /** the UTF-8 JSON text sealed */
  plaintext: string;
  envelope: Envelope;
}

export interface ControlFrameVector {
  name: string;
  type: ControlFrameType;
  direction: Direction;
  aad: string;
  /** the UTF-8 JSON text sealed */
  body: string;
  frame: string;
}

export interface ConfirmationVector {
  /** as the SDPs' `a=fingerprint:` lines carry them */
  senderFingerprints: string[];
  receiverFingerprints: string[];
  transcript: string;
  senderMac: string;
  receiverMac: string;
}

export interface HandshakeVectorSuite {
  description: string;
  connection: ConnectionVector;
  /** peer ids the server gave the two pages */
  peers: { sender: string; receiver: string };
  envelopes: EnvelopeVector[];
  controlFrames: ControlFrameVector[];
  confirmation: ConfirmationVector;
}
