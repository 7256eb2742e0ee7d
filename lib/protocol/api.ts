import { z } from './zod';
import { SenderTokenSchema, SessionIdSchema } from './ids';

// HTTP API bodies. POST /api/session takes an empty body or `{}`; later fields
// (receiver limits) will be added here.
export const CreateSessionRequestSchema = z.object({}).strict();

export const CreateSessionResponseSchema = z.object({
  id: SessionIdSchema,
  senderToken: SenderTokenSchema,
  expiresAt: z.iso.datetime(),
});
export type CreateSessionResponse = z.infer<typeof CreateSessionResponseSchema>;

export const SessionStatusResponseSchema = z.object({
  id: SessionIdSchema,
  expiresAt: z.iso.datetime(),
  senderPresent: z.boolean(),
  receiverPresent: z.boolean(),
});
export type SessionStatusResponse = z.infer<typeof SessionStatusResponseSchema>;

export const ApiErrorSchema = z.object({ code: z.string(), message: z.string() });
export type ApiError = z.infer<typeof ApiErrorSchema>;
