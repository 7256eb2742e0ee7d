import { describe, expect, it } from 'vitest';
import { createIncrementalSha256 } from '../../../lib/crypto/hash';
import { randomBytes } from '../../../lib/crypto/webcrypto';
import { toBase64Url } from '../../../lib/protocol/base64url';
import { isVaultError } from '../../../lib/protocol/errors';
import type { Manifest } from '../../../lib/protocol/messages';
import { decodeRecord, encodeRecord, MAX_HASH_STATE_CHARS, MAX_RECORD_CHARS, type ReceiveRecord } from '../../../lib/transfer/receive-record';

const CHUNK = 1024;
const id = () => toBase64Url(randomBytes(16));
const SHA = 'ab'.repeat(32);

function manifest(sizes: number[]): Manifest {
  return {
    transferId: id(),
    epoch: 0,
    chunkSize: CHUNK,
    files: sizes.map((size, i) => ({ fileId: id(), path: `f${i}.bin`, name: `f${i}.bin`, size, type: '', lastModified: 0 })),
  };
}

/** First file verified, second under way at 3 chunks, third not begun. */
async function validRecord(): Promise<ReceiveRecord> {
  const m = manifest([2 * CHUNK + 5, 10 * CHUNK, 7]);
  const hash = await createIncrementalSha256();
  hash.update(new Uint8Array(3 * CHUNK));
  return {
    version: 1,
    transferId: m.transferId,
    sessionId: id(),
    manifest: m,
    epoch: 2,
    files: [
      { fileId: m.files[0]!.fileId, chunks: 3, bytes: 2 * CHUNK + 5, hashState: '', done: true, sha256: SHA },
      { fileId: m.files[1]!.fileId, chunks: 3, bytes: 3 * CHUNK, hashState: toBase64Url(hash.saveState()), done: false },
      { fileId: m.files[2]!.fileId, chunks: 0, bytes: 0, hashState: '', done: false },
    ],
    savedAt: 1_700_000_000_000,
  };
}

function expectRefused(text: unknown, why?: RegExp) {
  const decoded = decodeRecord(text);
  expect(isVaultError(decoded) && decoded.code).toBe('record_invalid');
  if (why && isVaultError(decoded)) expect(decoded.message).toMatch(why);
}

const edited = async (edit: (record: ReceiveRecord) => void) => {
  const record = await validRecord();
  edit(record);
  return encodeRecord(record);
};

describe('receive record', () => {
  it('round-trips through encode and decode', async () => {
    const record = await validRecord();
    const decoded = decodeRecord(encodeRecord(record));
    expect(decoded).toEqual(record);
  });

  it('accepts a file whose every chunk was written but whose file-end was lost', async () => {
    const text = await edited((r) => {
      r.files[1] = { ...r.files[1]!, chunks: 10, bytes: 10 * CHUNK };
    });
    expect(isVaultError(decodeRecord(text))).toBe(false);
  });

  it('refuses what is not a JSON record', () => {
    for (const text of [undefined, 42, {}, '', 'not json', '[]', 'null', '{"version":1}']) expectRefused(text);
  });

  it('refuses an oversized record before parsing it', () => {
    expectRefused(' '.repeat(MAX_RECORD_CHARS + 1), /characters/);
  });

  it('refuses unknown fields, another version, bad ids and a manifest that does not validate', async () => {
    expectRefused(await edited((r) => Object.assign(r, { extra: 1 })));
    expectRefused(await edited((r) => Object.assign(r.files[0]!, { extra: 1 })));
    expectRefused(await edited((r) => Object.assign(r, { version: 2 })));
    expectRefused(await edited((r) => (r.sessionId = 'short')));
    expectRefused(await edited((r) => (r.manifest.files[0]!.path = '../etc/passwd')));
    expectRefused(await edited((r) => (r.manifest.chunkSize = 1)));
    expectRefused(await edited((r) => (r.epoch = -1)));
  });

  it('refuses an oversized or non-canonical hash state', async () => {
    expectRefused(await edited((r) => (r.files[1]!.hashState = 'A'.repeat(MAX_HASH_STATE_CHARS + 1))));
    expectRefused(await edited((r) => (r.files[1]!.hashState = 'abc+/=')));
    expectRefused(await edited((r) => (r.files[1]!.hashState = 'AB'))); // stray low bits
  });

  it('refuses counts that do not fit the manifest', async () => {
    const cases: [(r: ReceiveRecord) => void, RegExp][] = [
      [(r) => (r.transferId = id()), /transferId/],
      [(r) => (r.manifest.epoch = 3), /later epoch/],
      [(r) => r.files.pop(), /one file record per manifest file/],
      [(r) => (r.files[1]!.fileId = id()), /fileId differs/],
      [(r) => (r.files[1]!.bytes += 1), /do not match/],
      [(r) => (r.files[1]!.bytes = Number.MAX_SAFE_INTEGER), /do not match/],
      [(r) => Object.assign(r.files[1]!, { chunks: 11, bytes: 10 * CHUNK }), /the file has 10/],
      [(r) => Object.assign(r.files[2]!, { chunks: 1, bytes: 7, hashState: r.files[1]!.hashState }), /after a file that is not done/],
      [(r) => Object.assign(r.files[1]!, { done: true, sha256: SHA, hashState: '' }), /without every chunk/],
      [(r) => delete r.files[0]!.sha256, /without every chunk/],
      [(r) => (r.files[0]!.hashState = r.files[1]!.hashState), /keeps a hash state/],
      [(r) => (r.files[1]!.sha256 = SHA), /without having verified/],
      [(r) => (r.files[1]!.hashState = ''), /without a hash state/],
      [(r) => (r.files[2]!.hashState = r.files[1]!.hashState), /without any chunk/],
      [(r) => Object.assign(r.files[0]!, { done: false, chunks: 0, bytes: 0, hashState: '', sha256: undefined }), /not done/],
    ];
    for (const [edit, why] of cases) expectRefused(await edited(edit), why);
  });
});
