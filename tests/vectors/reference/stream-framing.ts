import { open, seal } from './aes-gcm';
import { FRAME_TYPES } from './frame-types';

// STREAM chunk frames (docs/protocol.md §4): chunk i of a file is sealed under k_file with
// nonce 0^7 ‖ u32be(i) ‖ u8(last) and AAD fileId ‖ u32be(i) ‖ u8(last); the frame is
// 4 ‖ that AAD ‖ ciphertext ‖ tag.

const FILE_ID_BYTES = 16;

export function chunkNonce(index: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUInt32BE(index, 7);
  nonce.writeUInt8(last ? 1 : 0, 11);
  return nonce;
}

/** fileId ‖ u32be(index) ‖ u8(last): the AAD, and the frame's header after its type byte. */
function chunkHeader(fileId: Uint8Array, index: number, last: boolean): Buffer {
  if (fileId.length !== FILE_ID_BYTES) throw new RangeError('a file id is 16 bytes');
  const tail = Buffer.alloc(5);
  tail.writeUInt32BE(index, 0);
  tail.writeUInt8(last ? 1 : 0, 4);
  return Buffer.concat([fileId, tail]);
}

/** A frame around any sealed bytes: also how a tampering relay relabels a ciphertext. */
export function chunkFrame(fileId: Uint8Array, index: number, last: boolean, sealed: Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(FRAME_TYPES.chunk), chunkHeader(fileId, index, last), sealed]);
}

export function sealChunkFrame(fileKey: Uint8Array, fileId: Uint8Array, index: number, last: boolean, plaintext: Uint8Array): Buffer {
  const sealed = seal(fileKey, chunkNonce(index, last), chunkHeader(fileId, index, last), plaintext);
  return chunkFrame(fileId, index, last, sealed);
}

/** The plaintext of one chunk's ciphertext ‖ tag, or null if it was not sealed under this key and header. */
export function openChunk(fileKey: Uint8Array, fileId: Uint8Array, index: number, last: boolean, sealed: Uint8Array): Buffer | null {
  return open(fileKey, chunkNonce(index, last), chunkHeader(fileId, index, last), sealed);
}
