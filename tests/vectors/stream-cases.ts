import { FILE_ID, OTHER_FILE_ID, pattern } from './fixed-inputs';
import { hex } from './fixed-connection';
import type { LinkName, StreamVector } from './vector-format';

// The STREAM vector cases, written once: whoever seals the chunks — the reference
// implementation writing stream-vectors.json, or lib/ under test — the same list runs, so
// the two can be compared frame for frame. Each case is a file's chunk frames and the
// result a receiver must reach: the plaintext, or a named error.

export const CHUNK_SIZE = 64;

export interface ChunkToSeal {
  link: LinkName;
  fileId: Uint8Array;
  epoch: number;
  index: number;
  last: boolean;
  plaintext: Uint8Array;
}

export interface ChunkSealer {
  /** The chunk frame of one chunk, sealed under k_file(C of `link`, fileId, epoch). */
  seal(chunk: ChunkToSeal): Promise<Uint8Array>;
  /** A chunk frame around bytes sealed for some other header: what a tampering relay sends. */
  frame(fileId: Uint8Array, index: number, last: boolean, sealed: Uint8Array): Uint8Array;
}

/** type byte, file id, index, last flag: where the sealed bytes start. */
const HEADER_BYTES = 22;

const flip = (frame: Uint8Array, byte: number, bit = 0) => {
  // A copy whatever the sealer returns: Buffer's slice() is a view, Uint8Array's a copy.
  const copy = Uint8Array.from(frame);
  copy[byte < 0 ? copy.length + byte : byte]! ^= 1 << bit;
  return copy;
};

export async function streamVectors(sealer: ChunkSealer): Promise<StreamVector[]> {
  const chunkOf = (options: { link?: LinkName; fileId?: Uint8Array; epoch?: number }, index: number, last: boolean, plaintext: Uint8Array) =>
    sealer.seal({ link: options.link ?? 'link', fileId: options.fileId ?? FILE_ID, epoch: options.epoch ?? 0, index, last, plaintext });

  async function sealFile(size: number, options: { link?: LinkName; fileId?: Uint8Array; epoch?: number; seed?: number } = {}) {
    const plaintext = pattern(size, options.seed ?? 5);
    const count = Math.max(1, Math.ceil(size / CHUNK_SIZE));
    const frames: Uint8Array[] = [];
    for (let index = 0; index < count; index++) {
      frames.push(await chunkOf(options, index, index === count - 1, plaintext.subarray(index * CHUNK_SIZE, (index + 1) * CHUNK_SIZE)));
    }
    return { plaintext, frames };
  }
  /** One chunk with explicit fields, for frames a correct sender would never make. */
  const sealOne = (index: number, last: boolean, plaintext: Uint8Array) => chunkOf({}, index, last, plaintext);
  const relabel = (frame: Uint8Array, index: number, last: boolean) => sealer.frame(FILE_ID, index, last, frame.subarray(HEADER_BYTES));

  const vectors: StreamVector[] = [];
  const add = (name: string, fileSize: number, frames: Uint8Array[], expected: StreamVector['expected'], receiverEpoch = 0) =>
    vectors.push({ name, fileSize, receiverEpoch, frames: frames.map(hex), expected });
  const ok = (plaintext: Uint8Array) => ({ plaintext: hex(plaintext) });
  const err = (error: string) => ({ error });

  for (const size of [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 5, 257 * CHUNK_SIZE]) {
    const f = await sealFile(size);
    add(`valid: ${size} bytes (${f.frames.length} chunks)`, size, f.frames, ok(f.plaintext));
  }
  const e1 = await sealFile(100, { epoch: 1 });
  add('valid: key epoch 1 (after a resume)', 100, e1.frames, ok(e1.plaintext), 1);

  const size = 3 * CHUNK_SIZE + 5; // chunks 0, 1, 2 (full) and 3 (5 bytes, last)
  const [c0, c1, c2, c3] = (await sealFile(size)).frames as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  add('dropped: middle chunk', size, [c0, c2, c3], err('chunk_missing'));
  add('dropped: first chunk', size, [c1, c2, c3], err('chunk_missing'));
  add('dropped: last chunk (truncated file)', size, [c0, c1, c2], err('missing_last_chunk'));
  add('duplicated: chunk 1 twice', size, [c0, c1, c1, c2, c3], err('chunk_duplicate'));
  add('swapped: chunks 1 and 2', size, [c0, c2, c1, c3], err('chunk_missing'));
  add('swapped: ciphertexts of 1 and 2 under each other’s headers', size, [c0, relabel(c2, 1, false), relabel(c1, 2, false), c3], err('chunk_auth_failed'));
  const otherFile = await sealFile(size, { fileId: OTHER_FILE_ID, seed: 9 });
  add('spliced: chunk 1 from another file of the same link', size, [c0, relabel(otherFile.frames[1]!, 1, false), c2, c3], err('chunk_auth_failed'));
  const otherLink = await sealFile(size, { link: 'otherLink' });
  add('spliced: chunk 1 from another link', size, [c0, otherLink.frames[1]!, c2, c3], err('chunk_auth_failed'));
  const epoch1 = await sealFile(size, { epoch: 1 });
  add('wrong epoch: sealed under epoch 1, opened as epoch 0', size, epoch1.frames, err('chunk_auth_failed'));
  add('wrong epoch: sealed under epoch 0, opened as epoch 1', size, [c0, c1, c2, c3], err('chunk_auth_failed'), 1);
  add('last flag missing: final chunk not flagged last', size, [c0, c1, c2, relabel(c3, 3, false)], err('chunk_size_invalid'));
  add('last flag early: chunk 1 of 4 flagged last', size, [c0, relabel(c1, 1, true)], err('size_mismatch'));
  const early = await sealFile(2 * CHUNK_SIZE); // a properly sealed but shorter file
  add('last flag early: validly sealed 2-chunk file where 4 chunks were announced', size, early.frames, err('size_mismatch'));
  add('last flag twice: another last chunk after the last', size, [c0, c1, c2, c3, await sealOne(4, true, pattern(5, 5))], err('chunk_after_last'));
  add('chunk after last: an inner chunk after the last', size, [c0, c1, c2, c3, await sealOne(4, false, pattern(CHUNK_SIZE, 5))], err('chunk_after_last'));
  add('empty last chunk of a non-empty file', CHUNK_SIZE, [await sealOne(0, false, pattern(CHUNK_SIZE, 5)), await sealOne(1, true, new Uint8Array(0))], err('chunk_size_invalid'));
  add('inner chunk too short', size, [c0, await sealOne(1, false, pattern(CHUNK_SIZE - 1, 5))], err('chunk_size_invalid'));
  add('chunk larger than the chunk size', size, [await sealOne(0, false, pattern(CHUNK_SIZE + 1, 5))], err('chunk_size_invalid'));
  // Single-bit flips: header byte 0 is the type, 1–16 the file id, 17–20 the index, 21 the last flag.
  add('bit flip: header file id', size, [flip(c0, 1)], err('unknown_file'));
  add('bit flip: header index high byte', size, [flip(c0, 17, 7)], err('chunk_missing'));
  add('bit flip: header index low bit (1 → 0)', size, [c0, flip(c1, 20, 0)], err('chunk_duplicate'));
  add('bit flip: header last flag (inner chunk claims last)', size, [c0, flip(c1, 21, 0)], err('size_mismatch'));
  add('bit flip: header last flag bit 1 (not 0 or 1)', size, [flip(c0, 21, 1)], err('frame_malformed'));
  add('bit flip: type byte', size, [flip(c0, 0, 3)], err('frame_malformed'));
  add('bit flip: first ciphertext byte', size, [c0, flip(c1, HEADER_BYTES)], err('chunk_auth_failed'));
  add('bit flip: middle ciphertext byte', size, [c0, c1, flip(c2, HEADER_BYTES + 32, 5)], err('chunk_auth_failed'));
  add('bit flip: last tag byte', size, [c0, c1, c2, flip(c3, -1, 7)], err('chunk_auth_failed'));
  add('bit flip: first tag byte of the last chunk', size, [c0, c1, c2, flip(c3, -16, 0)], err('chunk_auth_failed'));
  add('truncated frame: shorter than its tag', size, [c0.subarray(0, 30)], err('frame_malformed'));
  add('truncated ciphertext: last byte cut (the size check catches it first)', size, [c0, c1, c2, c3.subarray(0, c3.length - 1)], err('size_mismatch'));
  return vectors;
}
