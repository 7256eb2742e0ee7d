import { z } from './zod';
import { FileIdSchema } from './ids';
import { TRANSFER_ERROR_CODES } from './errors';
import { baseName, conflictingPath, describePathProblem, shownText } from './file-path';

// JSON bodies of the sealed control frames on the DataChannel (protocol §3).

export const MAX_FILES_PER_TRANSFER = 1_000;
export const MAX_FILE_NAME_LENGTH = 255;
/**
 * The manifest travels as one control frame, which must fit the channel's message
 * size (256 KiB between Chromiums); the sender keeps its JSON under this.
 */
export const MAX_MANIFEST_BYTES = 192 * 1024;
/** Largest plaintext chunk: a chunk frame must fit a 256 KiB SCTP message. */
export const MAX_CHUNK_SIZE = 256 * 1024;
export const MIN_CHUNK_SIZE = 1024;

const safeInt = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const ManifestFileSchema = z
  .object({
    fileId: FileIdSchema,
    // Where the file sits in what was shared ("docs/c.bin"); names its zip entry.
    // Checked before the name, so a refused path is what the error names.
    path: z.string().superRefine((path, ctx) => {
      const problem = describePathProblem(path);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    // The file's own name: shown and used as the download name. It follows the same
    // rule as each segment of a path (lib/protocol/file-path.ts), so a peer cannot aim
    // a save outside a folder, name a device, or disguise it.
    name: z
      .string()
      .min(1)
      .max(MAX_FILE_NAME_LENGTH)
      .superRefine((name, ctx) => {
        const problem = describePathProblem(name, 'name');
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    size: safeInt,
    type: z.string().max(255),
    lastModified: safeInt,
  })
  .strict()
  .refine((f) => baseName(f.path) === f.name, 'file name must be the last segment of its path');
export type ManifestFile = z.infer<typeof ManifestFileSchema>;

/** Connections one transfer may use: the first plus this many resumptions, at most. */
export const MAX_EPOCH = 1_000;

export const ManifestSchema = z
  .object({
    transferId: FileIdSchema,
    // Which connection of this transfer the manifest opens: 0 first, +1 per resumption.
    // Chunk keys are derived per epoch, so a resumed file never reuses a (key, nonce).
    epoch: z.number().int().min(0).max(MAX_EPOCH).optional(),
    chunkSize: z.number().int().min(MIN_CHUNK_SIZE).max(MAX_CHUNK_SIZE),
    files: z.array(ManifestFileSchema).min(1).max(MAX_FILES_PER_TRANSFER),
  })
  .strict()
  .refine((m) => new Set(m.files.map((f) => f.fileId)).size === m.files.length, 'file ids must be unique')
  .superRefine((m, ctx) => {
    const conflict = conflictingPath(m.files.map((f) => f.path));
    if (conflict !== null) {
      ctx.addIssue({
        code: 'custom',
        message: `path '${shownText(conflict)}' repeats another path (ignoring upper/lower case) or is also a folder: paths must be unique and no file may also be a folder`,
      });
    }
  });
export type Manifest = z.infer<typeof ManifestSchema>;

export const RequestSchema = z
  .object({
    files: z
      .array(z.object({ fileId: FileIdSchema, fromIndex: z.number().int().nonnegative().max(0xffffffff) }).strict())
      .max(MAX_FILES_PER_TRANSFER),
  })
  .strict();
export type TransferRequest = z.infer<typeof RequestSchema>;

export const FileEndSchema = z
  .object({ fileId: FileIdSchema, sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits') })
  .strict();
export type FileEnd = z.infer<typeof FileEndSchema>;

export const AckSchema = z.object({ fileId: FileIdSchema, received: safeInt, verified: z.boolean() }).strict();
export type Ack = z.infer<typeof AckSchema>;

export const ErrorBodySchema = z.object({ code: z.enum(TRANSFER_ERROR_CODES), message: z.string().max(500) }).strict();
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Key confirmation: HMAC-SHA256 (base64url, 32 bytes) over the connection transcript. */
export const HelloSchema = z.object({ mac: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'mac must be 32 bytes of base64url') }).strict();
export type Hello = z.infer<typeof HelloSchema>;
