// Writes tests/vectors/stream-vectors.json: fixed STREAM chunk-frame vectors (as age and
// Wycheproof ship theirs), each with the result a receiver must reach. Regenerate only
// when the format changes on purpose: `npx tsx tests/vectors/generate-stream-vectors.ts`.
import { writeFileSync } from 'node:fs';
import { deriveFileKey, deriveSessionKeys } from '../../lib/crypto/keys';
import { sealChunk } from '../../lib/crypto/stream';
import { encodeChunkFrame } from '../../lib/protocol/frames';
import type { StreamVector, StreamVectorSuite } from './vector-format';

const CHUNK = 64;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7 + 3) & 0xff);
const K = bytes(32, 1);
const OTHER_K = bytes(32, 2);
const FILE_ID = bytes(16, 3);
const OTHER_FILE_ID = bytes(16, 4);

interface Chunk {
  index: number;
  last: boolean;
  frame: Uint8Array;
}

async function sealFile(size: number, opts: { key?: Uint8Array; fileId?: Uint8Array; epoch?: number; seed?: number } = {}) {
  const keys = await deriveSessionKeys(opts.key ?? K, 'vectors');
  const fileId = opts.fileId ?? FILE_ID;
  const key = await deriveFileKey(keys, fileId, opts.epoch ?? 0);
  const plaintext = bytes(size, opts.seed ?? 5);
  const count = Math.max(1, Math.ceil(size / CHUNK));
  const chunks: Chunk[] = [];
  for (let index = 0; index < count; index++) {
    const last = index === count - 1;
    const ct = await sealChunk(key, fileId, index, last, plaintext.subarray(index * CHUNK, (index + 1) * CHUNK));
    chunks.push({ index, last, frame: encodeChunkFrame(fileId, index, last, ct) });
  }
  return { plaintext, chunks, key, fileId };
}

/** Seals one chunk with explicit fields, for frames a correct sender would never make. */
async function sealOne(index: number, last: boolean, plaintext: Uint8Array, opts: { fileId?: Uint8Array; epoch?: number } = {}) {
  const keys = await deriveSessionKeys(K, 'vectors');
  const fileId = opts.fileId ?? FILE_ID;
  const key = await deriveFileKey(keys, fileId, opts.epoch ?? 0);
  return encodeChunkFrame(fileId, index, last, await sealChunk(key, fileId, index, last, plaintext));
}

const flip = (frame: Uint8Array, byte: number, bit = 0) => {
  const copy = frame.slice();
  copy[byte < 0 ? copy.length + byte : byte]! ^= 1 << bit;
  return copy;
};

type Vector = StreamVector;

const vectors: Vector[] = [];
const add = (name: string, fileSize: number, frames: Uint8Array[], expected: Vector['expected'], receiverEpoch = 0) =>
  vectors.push({ name, fileSize, receiverEpoch, frames: frames.map(hex), expected });
const ok = (plaintext: Uint8Array) => ({ plaintext: hex(plaintext) });
const err = (error: string) => ({ error });

async function main() {
  for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5, 257 * CHUNK]) {
    const f = await sealFile(size);
    add(`valid: ${size} bytes (${f.chunks.length} chunks)`, size, f.chunks.map((c) => c.frame), ok(f.plaintext));
  }
  const e1 = await sealFile(100, { epoch: 1 });
  add('valid: key epoch 1 (after a resume)', 100, e1.chunks.map((c) => c.frame), ok(e1.plaintext), 1);

  const f = await sealFile(3 * CHUNK + 5); // chunks 0, 1, 2 (full) and 3 (5 bytes, last)
  const [c0, c1, c2, c3] = f.chunks.map((c) => c.frame) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const size = 3 * CHUNK + 5;
  add('dropped: middle chunk', size, [c0, c2, c3], err('chunk_missing'));
  add('dropped: first chunk', size, [c1, c2, c3], err('chunk_missing'));
  add('dropped: last chunk (truncated file)', size, [c0, c1, c2], err('missing_last_chunk'));
  add('duplicated: chunk 1 twice', size, [c0, c1, c1, c2, c3], err('chunk_duplicate'));
  add('swapped: chunks 1 and 2', size, [c0, c2, c1, c3], err('chunk_missing'));
  const ct = (frame: Uint8Array) => frame.subarray(22);
  const relabel = (frame: Uint8Array, index: number, last: boolean) => encodeChunkFrame(FILE_ID, index, last, ct(frame));
  add('swapped: ciphertexts of 1 and 2 under each other’s headers', size, [c0, relabel(c2, 1, false), relabel(c1, 2, false), c3], err('chunk_auth_failed'));
  const other = await sealFile(size, { fileId: OTHER_FILE_ID, seed: 9 });
  add('spliced: chunk 1 from another file of the same link', size, [c0, relabel(other.chunks[1]!.frame, 1, false), c2, c3], err('chunk_auth_failed'));
  const otherLink = await sealFile(size, { key: OTHER_K });
  add('spliced: chunk 1 from another link', size, [c0, otherLink.chunks[1]!.frame, c2, c3], err('chunk_auth_failed'));
  const epoch1 = await sealFile(size, { epoch: 1 });
  add('wrong epoch: sealed under epoch 1, opened as epoch 0', size, epoch1.chunks.map((c) => c.frame), err('chunk_auth_failed'));
  add('wrong epoch: sealed under epoch 0, opened as epoch 1', size, [c0, c1, c2, c3], err('chunk_auth_failed'), 1);
  add('last flag missing: final chunk not flagged last', size, [c0, c1, c2, relabel(c3, 3, false)], err('chunk_size_invalid'));
  add('last flag early: chunk 1 of 4 flagged last', size, [c0, relabel(c1, 1, true)], err('size_mismatch'));
  const early = await sealFile(2 * CHUNK); // a properly sealed but shorter file
  add('last flag early: validly sealed 2-chunk file where 4 chunks were announced', size, early.chunks.map((c) => c.frame), err('size_mismatch'));
  add('last flag twice: another last chunk after the last', size, [c0, c1, c2, c3, await sealOne(4, true, bytes(5, 5))], err('chunk_after_last'));
  add('chunk after last: an inner chunk after the last', size, [c0, c1, c2, c3, await sealOne(4, false, bytes(CHUNK, 5))], err('chunk_after_last'));
  add('empty last chunk of a non-empty file', CHUNK, [await sealOne(0, false, bytes(CHUNK, 5)), await sealOne(1, true, new Uint8Array(0))], err('chunk_size_invalid'));
  add('inner chunk too short', size, [c0, await sealOne(1, false, bytes(CHUNK - 1, 5))], err('chunk_size_invalid'));
  add('chunk larger than the chunk size', size, [await sealOne(0, false, bytes(CHUNK + 1, 5))], err('chunk_size_invalid'));
  // Single-bit flips: header byte 0 is the type, 1–16 the file id, 17–20 the index, 21 the last flag.
  add('bit flip: header file id', size, [flip(c0, 1)], err('unknown_file'));
  add('bit flip: header index high byte', size, [flip(c0, 17, 7)], err('chunk_missing'));
  add('bit flip: header index low bit (1 → 0)', size, [c0, flip(c1, 20, 0)], err('chunk_duplicate'));
  add('bit flip: header last flag (inner chunk claims last)', size, [c0, flip(c1, 21, 0)], err('size_mismatch'));
  add('bit flip: header last flag bit 1 (not 0 or 1)', size, [flip(c0, 21, 1)], err('frame_malformed'));
  add('bit flip: type byte', size, [flip(c0, 0, 3)], err('frame_malformed'));
  add('bit flip: first ciphertext byte', size, [c0, flip(c1, 22)], err('chunk_auth_failed'));
  add('bit flip: middle ciphertext byte', size, [c0, c1, flip(c2, 22 + 32, 5)], err('chunk_auth_failed'));
  add('bit flip: last tag byte', size, [c0, c1, c2, flip(c3, -1, 7)], err('chunk_auth_failed'));
  add('bit flip: first tag byte of the last chunk', size, [c0, c1, c2, flip(c3, -16, 0)], err('chunk_auth_failed'));
  add('truncated frame: shorter than its tag', size, [c0.subarray(0, 30)], err('frame_malformed'));
  add('truncated ciphertext: last byte cut (the size check catches it first)', size, [c0, c1, c2, c3.subarray(0, c3.length - 1)], err('size_mismatch'));

  const out: StreamVectorSuite = { description: 'STREAM chunk frames (p2pvault v1): type 4 ‖ fileId ‖ u32be index ‖ u8 last ‖ AES-256-GCM(k_file, nonce = 0^7 ‖ u32be index ‖ u8 last, aad = fileId ‖ u32be index ‖ u8 last)', linkKey: hex(K), sessionId: 'vectors', fileId: hex(FILE_ID), chunkSize: CHUNK, vectors };
  writeFileSync(new URL('./stream-vectors.json', import.meta.url), `${JSON.stringify(out, null, 1)}\n`);
  console.log(`${vectors.length} vectors written`);
}

await main();
