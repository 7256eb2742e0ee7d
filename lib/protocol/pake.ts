import { fromBase64Url } from './base64url';
import { z } from './zod';

// Messages of the short-code exchange (lib/crypto/code-exchange.ts). Every binary field is
// canonical unpadded base64url of an exact length, so a peer cannot make us decode, hash
// or hold more than these few bytes.

/** Short codes start with a session number (the nameplate) the server hands out. */
export const MIN_NAMEPLATE = 1;
export const MAX_NAMEPLATE = 999_999;
export const NameplateSchema = z.number().int().min(MIN_NAMEPLATE).max(MAX_NAMEPLATE);

export const PAKE_SHARE_BYTES = 32; // a ristretto255 element (CPace Ya, Yb)
export const PAKE_TAG_BYTES = 32; // HMAC-SHA-256
export const PAKE_SEALED_BYTES = 32 + 16; // the 32-byte link key and its AES-GCM tag

const base64UrlBytes = (bytes: number) =>
  z
    .string()
    .length(Math.ceil((bytes * 4) / 3))
    .refine((text) => {
      try {
        return fromBase64Url(text).length === bytes;
      } catch {
        return false;
      }
    }, `must be ${bytes} bytes as canonical base64url`);

export const PakeShareSchema = z.object({ t: z.literal('pake-a'), share: base64UrlBytes(PAKE_SHARE_BYTES) }).strict();
export const PakeReplySchema = z.object({ t: z.literal('pake-b'), share: base64UrlBytes(PAKE_SHARE_BYTES) }).strict();
export const PakeConfirmSchema = z.object({ t: z.literal('pake-confirm'), tag: base64UrlBytes(PAKE_TAG_BYTES) }).strict();
/** The sender's refusal; it carries no reason, so it tells a guesser nothing. */
export const PakeResultSchema = z.object({ t: z.literal('pake-result'), ok: z.literal(false) }).strict();
export const PakeKeySchema = z
  .object({ t: z.literal('pake-key'), tag: base64UrlBytes(PAKE_TAG_BYTES), sealed: base64UrlBytes(PAKE_SEALED_BYTES) })
  .strict();

export const PakeMessageSchema = z.discriminatedUnion('t', [PakeShareSchema, PakeReplySchema, PakeConfirmSchema, PakeResultSchema, PakeKeySchema]);
export type PakeMessage = z.infer<typeof PakeMessageSchema>;
