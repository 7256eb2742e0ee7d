import { describe, expect, it } from 'vitest';
import { deriveFileKey, deriveSessionKeys, generateLinkKey } from '../../../lib/crypto/keys';
import { chunkNonce, openChunk, StreamOpener, StreamSealer } from '../../../lib/crypto/stream';
import { randomBytes } from '../../../lib/crypto/webcrypto';

const CHUNK = 1024;

async function setup() {
  const keys = await deriveSessionKeys(generateLinkKey(), 'AAAAAAAAAAAAAAAAAAAAAA');
  const fileId = randomBytes(16);
  const key = await deriveFileKey(keys, fileId, 0);
  return { keys, fileId, key };
}

async function sealFile(key: CryptoKey, fileId: Uint8Array, data: Uint8Array) {
  const sealer = new StreamSealer(key, fileId);
  const count = Math.max(1, Math.ceil(data.length / CHUNK));
  const chunks = [];
  for (let i = 0; i < count; i++) {
    const last = i === count - 1;
    chunks.push({ index: i, last, ct: await sealer.seal(data.subarray(i * CHUNK, (i + 1) * CHUNK), last) });
  }
  return chunks;
}

async function openAll(key: CryptoKey, fileId: Uint8Array, chunks: { index: number; last: boolean; ct: Uint8Array }[]) {
  const opener = new StreamOpener(key, fileId);
  const parts: Uint8Array[] = [];
  for (const c of chunks) parts.push(await opener.open(c.index, c.last, c.ct));
  opener.finish();
  return Buffer.concat(parts);
}

describe('chunk nonce', () => {
  it('is 7 zero bytes, the index as u32 big-endian, then the last flag', () => {
    expect([...chunkNonce(0x01020304, true)]).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 1]);
    expect([...chunkNonce(256, false)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
  });
  it('differs for indexes 256 apart (no single-byte wrap)', () => {
    expect(chunkNonce(1, false)).not.toEqual(chunkNonce(257, false));
  });
  it('refuses indexes outside u32', () => {
    expect(() => chunkNonce(-1, false)).toThrow(RangeError);
    expect(() => chunkNonce(2 ** 32, false)).toThrow(RangeError);
  });
});

describe('STREAM seal/open round trip', () => {
  for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK + 17]) {
    it(`restores ${size} bytes`, async () => {
      const { fileId, key } = await setup();
      const data = randomBytes(size);
      const chunks = await sealFile(key, fileId, data);
      expect(chunks.length).toBe(Math.max(1, Math.ceil(size / CHUNK)));
      expect(Buffer.compare(await openAll(key, fileId, chunks), Buffer.from(data))).toBe(0);
    });
  }
});

describe('STREAM tampering', () => {
  async function threeChunks() {
    const s = await setup();
    return { ...s, chunks: await sealFile(s.key, s.fileId, randomBytes(3 * CHUNK)) };
  }

  it('rejects a flipped ciphertext bit as chunk_auth_failed', async () => {
    const { key, fileId, chunks } = await threeChunks();
    chunks[1]!.ct[5]! ^= 0x01;
    await expect(openAll(key, fileId, chunks)).rejects.toMatchObject({ code: 'chunk_auth_failed' });
  });
  it('names the altered chunk to every later call while several decrypt at once', async () => {
    const { key, fileId } = await setup();
    const chunks = await sealFile(key, fileId, randomBytes(CHUNK * 4));
    chunks[1]!.ct[5]! ^= 1;
    const opener = new StreamOpener(key, fileId);
    const first = [0, 1].map((i) => opener.open(chunks[i]!.index, chunks[i]!.last, chunks[i]!.ct));
    await expect(first[1]).rejects.toMatchObject({ code: 'chunk_auth_failed', message: 'chunk 1 failed authentication' });
    // Chunk 2 arrives after chunk 1 failed: the same error, not "the stream failed".
    expect(() => opener.open(2, false, chunks[2]!.ct)).toThrow(expect.objectContaining({ code: 'chunk_auth_failed', message: 'chunk 1 failed authentication' }));
    expect(() => opener.finish()).toThrow(expect.objectContaining({ code: 'chunk_auth_failed', message: 'chunk 1 failed authentication' }));
  });
  it('rejects a flipped tag bit as chunk_auth_failed', async () => {
    const { key, fileId, chunks } = await threeChunks();
    const ct = chunks[0]!.ct;
    ct[ct.length - 1]! ^= 0x80;
    await expect(openAll(key, fileId, chunks)).rejects.toMatchObject({ code: 'chunk_auth_failed' });
  });
  it('rejects a dropped chunk as chunk_missing', async () => {
    const { key, fileId, chunks } = await threeChunks();
    await expect(openAll(key, fileId, [chunks[0]!, chunks[2]!])).rejects.toMatchObject({ code: 'chunk_missing' });
  });
  it('rejects swapped chunks', async () => {
    const { key, fileId, chunks } = await threeChunks();
    await expect(openAll(key, fileId, [chunks[1]!, chunks[0]!, chunks[2]!])).rejects.toMatchObject({ code: 'chunk_missing' });
  });
  it('rejects a chunk relabelled with another index as chunk_auth_failed', async () => {
    const { key, fileId, chunks } = await threeChunks();
    const swapped = [chunks[0]!, { ...chunks[2]!, index: 1, last: false }, { ...chunks[1]!, index: 2, last: true }];
    await expect(openAll(key, fileId, swapped)).rejects.toMatchObject({ code: 'chunk_auth_failed' });
  });
  it('rejects a duplicated chunk as chunk_duplicate', async () => {
    const { key, fileId, chunks } = await threeChunks();
    await expect(openAll(key, fileId, [chunks[0]!, chunks[0]!])).rejects.toMatchObject({ code: 'chunk_duplicate' });
  });
  it('rejects a missing last chunk (truncation) as missing_last_chunk', async () => {
    const { key, fileId, chunks } = await threeChunks();
    await expect(openAll(key, fileId, chunks.slice(0, 2))).rejects.toMatchObject({ code: 'missing_last_chunk' });
  });
  it('rejects an inner chunk claiming to be last as chunk_auth_failed', async () => {
    const { key, fileId, chunks } = await threeChunks();
    await expect(openAll(key, fileId, [chunks[0]!, { ...chunks[1]!, last: true }])).rejects.toMatchObject({
      code: 'chunk_auth_failed',
    });
  });
  it('rejects a chunk after the last as chunk_after_last', async () => {
    const { key, fileId, chunks } = await threeChunks();
    await expect(openAll(key, fileId, [...chunks, { ...chunks[2]!, index: 3 }])).rejects.toMatchObject({
      code: 'chunk_after_last',
    });
  });
  it('rejects a chunk under another file id or key epoch', async () => {
    const { keys, key, fileId, chunks } = await threeChunks();
    await expect(openChunk(key, randomBytes(16), 0, false, chunks[0]!.ct)).rejects.toMatchObject({ code: 'chunk_auth_failed' });
    const epoch1 = await deriveFileKey(keys, fileId, 1);
    await expect(openChunk(epoch1, fileId, 0, false, chunks[0]!.ct)).rejects.toMatchObject({ code: 'chunk_auth_failed' });
  });
  it('refuses to seal after the last chunk', async () => {
    const { key, fileId } = await setup();
    const sealer = new StreamSealer(key, fileId);
    await sealer.seal(new Uint8Array(1), true);
    expect(() => sealer.seal(new Uint8Array(1), false)).toThrow(expect.objectContaining({ code: 'chunk_after_last' }));
  });
});
