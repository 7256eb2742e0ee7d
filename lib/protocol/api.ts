import { z } from './zod';
import { SenderTokenSchema, SessionIdSchema } from './ids';
import { NameplateSchema } from './pake';

/** How many receivers one link may admit at most (the sender picks 1…this). */
export const MAX_RECEIVERS_LIMIT = 8;

export const MaxReceiversSchema = z.number().int().min(1).max(MAX_RECEIVERS_LIMIT);

// HTTP API bodies. POST /api/session takes an empty body, `{}` or `{maxReceivers}`.
export const CreateSessionRequestSchema = z
  .object({
    /** Receivers the link admits at the same time and in all; default 1. */
    maxReceivers: MaxReceiversSchema.optional(),
    /** Also hand out a nameplate, the number that starts a short code (7-orbit-velvet-zebra). */
    code: z.boolean().optional(),
  })
  .strict();
export type CreateSessionRequest = z.infer<typeof CreateSessionRequestSchema>;

export const CreateSessionResponseSchema = z.object({
  id: SessionIdSchema,
  senderToken: SenderTokenSchema,
  expiresAt: z.iso.datetime(),
  maxReceivers: MaxReceiversSchema,
  /** Present when `code` was asked for: unique among live sessions, freed when the session ends. */
  nameplate: NameplateSchema.optional(),
});
export type CreateSessionResponse = z.infer<typeof CreateSessionResponseSchema>;

export const SessionStatusResponseSchema = z.object({
  id: SessionIdSchema,
  expiresAt: z.iso.datetime(),
  senderPresent: z.boolean(),
  receiverPresent: z.boolean(),
  /** Receivers joined now, and how many the session admits. */
  receivers: z.number().int().nonnegative(),
  maxReceivers: MaxReceiversSchema,
});
export type SessionStatusResponse = z.infer<typeof SessionStatusResponseSchema>;

export const ApiErrorSchema = z.object({ code: z.string(), message: z.string() });
export type ApiError = z.infer<typeof ApiErrorSchema>;

/** GET /api/code/<nameplate>: which session a short code's number names (404 `code_not_found`). */
export const CodeLookupResponseSchema = z.object({ id: SessionIdSchema }).strict();
export type CodeLookupResponse = z.infer<typeof CodeLookupResponseSchema>;
