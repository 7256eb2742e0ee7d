import { fromBase64Url } from '../protocol/base64url';
import { MAX_HASH_STATE_BYTES } from '../crypto/hash';
import { VaultError } from '../protocol/errors';
import { FileIdSchema, SessionIdSchema } from '../protocol/ids';
import { MAX_EPOCH, MAX_FILES_PER_TRANSFER, MAX_MANIFEST_BYTES, ManifestSchema } from '../protocol/messages';
import { z } from '../protocol/zod';
import { chunkCount } from './chunking';

// What a receiver keeps so that a new ReceiveSession (a reloaded page, a restarted CLI)
// continues a transfer where the last one stopped: the manifest, the last epoch seen,
// and per file how many chunks were verified-and-written, their bytes and the running
// SHA-256 state. It comes back from browser storage or a JSON file on disk, so it is
// read as untrusted input: strictly validated, every count checked against the
// manifest, and refused whole (`record_invalid`) on anything malformed.

export const RECORD_VERSION = 1;

/** base64url length of the largest hash state accepted (lib/crypto/hash.ts). */
export const MAX_HASH_STATE_CHARS = Math.ceil((MAX_HASH_STATE_BYTES * 4) / 3);

/** Largest encoded record: the manifest plus a few hundred characters per file. */
export const MAX_RECORD_CHARS = MAX_MANIFEST_BYTES + MAX_FILES_PER_TRANSFER * 512;

const isCanonicalBase64Url = (text: string) => {
  try {
    fromBase64Url(text);
    return true;
  } catch {
    return false;
  }
};

const safeInt = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const FileRecordSchema = z
  .object({
    fileId: FileIdSchema,
    /** Chunks decrypted, hashed and written, in order from chunk 0. */
    chunks: z.number().int().nonnegative().max(0xffffffff),
    /** Plaintext bytes those chunks hold. */
    bytes: safeInt,
    /** base64url of the SHA-256 state after those bytes; empty when no chunk was taken or the file verified. */
    hashState: z
      .string()
      .max(MAX_HASH_STATE_CHARS)
      .refine(isCanonicalBase64Url, 'hashState must be canonical base64url'),
    /** The file verified (its last chunk and SHA-256 checked) and its sink closed. */
    done: z.boolean(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits')
      .optional(),
  })
  .strict();
export type FileRecord = z.infer<typeof FileRecordSchema>;

export const ReceiveRecordSchema = z
  .object({
    version: z.literal(RECORD_VERSION),
    transferId: FileIdSchema,
    sessionId: SessionIdSchema,
    manifest: ManifestSchema,
    /** The last epoch this receiver accepted: the sender's next manifest must be later. */
    epoch: z.number().int().min(0).max(MAX_EPOCH),
    files: z.array(FileRecordSchema).min(1).max(MAX_FILES_PER_TRANSFER),
    savedAt: safeInt,
  })
  .strict()
  .superRefine((record, ctx) => {
    const problem = inconsistency(record);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
export type ReceiveRecord = z.infer<typeof ReceiveRecordSchema>;

/**
 * Why a record that matches the schema cannot describe a real receiver's state, or
 * null. Files are received in manifest order, so verified files come first, then at
 * most one file under way, then files not begun.
 */
function inconsistency(record: ReceiveRecord): string | null {
  const { manifest, files } = record;
  if (record.transferId !== manifest.transferId) return 'transferId differs from the manifest';
  if ((manifest.epoch ?? 0) > record.epoch) return 'the manifest is of a later epoch than the record';
  if (files.length !== manifest.files.length) return 'not one file record per manifest file';
  let stage: 'done' | 'partial' | 'rest' = 'done';
  for (const [i, file] of files.entries()) {
    const { fileId, size } = manifest.files[i]!;
    const name = `file ${i}`;
    if (file.fileId !== fileId) return `${name}: fileId differs from the manifest`;
    const count = chunkCount(size, manifest.chunkSize);
    if (file.chunks > count) return `${name}: ${file.chunks} chunks, the file has ${count}`;
    if (file.bytes !== Math.min(size, file.chunks * manifest.chunkSize)) return `${name}: ${file.bytes} bytes do not match ${file.chunks} chunks`;
    if (file.done) {
      if (stage !== 'done') return `${name}: verified after a file that did not`;
      if (file.chunks !== count || file.sha256 === undefined) return `${name}: verified without every chunk and its SHA-256`;
      if (file.hashState !== '') return `${name}: verified but keeps a hash state`;
      continue;
    }
    if (file.sha256 !== undefined) return `${name}: a SHA-256 without having verified`;
    if (file.chunks === 0) {
      if (file.hashState !== '') return `${name}: a hash state without any chunk`;
      stage = 'rest';
      continue;
    }
    if (stage !== 'done') return `${name}: under way after a file that is not done`;
    if (file.hashState === '') return `${name}: chunks without a hash state`;
    stage = 'partial';
  }
  return null;
}

export function encodeRecord(record: ReceiveRecord): string {
  return JSON.stringify(record);
}

/**
 * The record `text` holds, or `record_invalid` naming the first problem: never a
 * record that was not fully checked. The hash state's bytes are checked only when
 * loaded (lib/crypto/hash.ts); a state that loads but does not match the bytes on disk
 * ends the file with `hash_mismatch` at its file-end.
 */
export function decodeRecord(text: unknown): ReceiveRecord | VaultError {
  if (typeof text !== 'string') return new VaultError('record_invalid', 'resume record is not text');
  if (text.length > MAX_RECORD_CHARS) return new VaultError('record_invalid', `resume record of ${text.length} characters (at most ${MAX_RECORD_CHARS})`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return new VaultError('record_invalid', 'resume record is not JSON');
  }
  const parsed = ReceiveRecordSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return new VaultError('record_invalid', `resume record: ${issue.path.join('.') || 'record'}: ${issue.message}`.slice(0, 500));
  }
  return parsed.data;
}
