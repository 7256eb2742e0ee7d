import { VaultError } from './errors';
import { FILE_ID_BYTES } from './ids';

// Binary frame codec for the DataChannel: 1 type byte + body (protocol §3).
// Chunk frames carry raw STREAM ciphertext; control frames carry sealed JSON
// (12-byte nonce ‖ AES-GCM ciphertext+tag).

export const FRAME_TYPES = {
  hello: 1,
  manifest: 2,
  request: 3,
  chunk: 4,
  'file-end': 5,
  ack: 6,
  error: 7,
  cancel: 8,
} as const;
export type FrameTypeName = keyof typeof FRAME_TYPES;
export type ControlFrameType = Exclude<FrameTypeName, 'chunk'>;

const TYPE_BY_BYTE = new Map<number, FrameTypeName>(
  Object.entries(FRAME_TYPES).map(([name, byte]) => [byte, name as FrameTypeName]),
);

export const GCM_TAG_BYTES = 16;
export const GCM_NONCE_BYTES = 12;
/** type ‖ fileId ‖ index u32 ‖ last u8 */
export const CHUNK_HEADER_BYTES = 1 + FILE_ID_BYTES + 4 + 1;
/** Bytes a chunk frame adds to its plaintext. */
export const CHUNK_FRAME_OVERHEAD = CHUNK_HEADER_BYTES + GCM_TAG_BYTES;
const CONTROL_MIN_BYTES = 1 + GCM_NONCE_BYTES + GCM_TAG_BYTES;

export interface ChunkFrame {
  type: 'chunk';
  fileId: Uint8Array;
  index: number;
  last: boolean;
  ciphertext: Uint8Array;
}
export interface ControlFrame {
  type: ControlFrameType;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
}
export type Frame = ChunkFrame | ControlFrame;

/**
 * `into`: a buffer to build the frame in, reused from frame to frame when the port is
 * done with a frame once `send` returns (see FramePort): a fresh 256 KiB buffer per
 * frame costs more in page faults than the copy itself.
 */
export function encodeChunkFrame(fileId: Uint8Array, index: number, last: boolean, ciphertext: Uint8Array, into?: Uint8Array): Uint8Array {
  const length = CHUNK_HEADER_BYTES + ciphertext.length;
  const frame = into && into.length >= length ? into.subarray(0, length) : new Uint8Array(length);
  frame[0] = FRAME_TYPES.chunk;
  frame.set(fileId, 1);
  new DataView(frame.buffer, frame.byteOffset, frame.byteLength).setUint32(1 + FILE_ID_BYTES, index, false);
  frame[CHUNK_HEADER_BYTES - 1] = last ? 1 : 0;
  frame.set(ciphertext, CHUNK_HEADER_BYTES);
  return frame;
}

export function encodeControlFrame(type: ControlFrameType, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const frame = new Uint8Array(1 + nonce.length + ciphertext.length);
  frame[0] = FRAME_TYPES[type];
  frame.set(nonce, 1);
  frame.set(ciphertext, 1 + nonce.length);
  return frame;
}

/** Decodes a frame without copying its payload; throws `frame_malformed`. */
export function decodeFrame(data: Uint8Array): Frame {
  const type = data.length > 0 ? TYPE_BY_BYTE.get(data[0]!) : undefined;
  if (!type) throw new VaultError('frame_malformed', 'unknown or empty frame type');
  if (type === 'chunk') {
    if (data.length < CHUNK_FRAME_OVERHEAD) throw new VaultError('frame_malformed', 'chunk frame too short');
    const last = data[CHUNK_HEADER_BYTES - 1];
    if (last !== 0 && last !== 1) throw new VaultError('frame_malformed', 'chunk last flag must be 0 or 1');
    return {
      type,
      fileId: data.subarray(1, 1 + FILE_ID_BYTES),
      index: new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(1 + FILE_ID_BYTES, false),
      last: last === 1,
      ciphertext: data.subarray(CHUNK_HEADER_BYTES),
    };
  }
  if (data.length < CONTROL_MIN_BYTES) throw new VaultError('frame_malformed', `${type} frame too short`);
  return { type, nonce: data.subarray(1, 1 + GCM_NONCE_BYTES), ciphertext: data.subarray(1 + GCM_NONCE_BYTES) };
}
