import type { z } from 'zod';
import type { ErrorAck } from '../protocol/signaling';

/** Measures a payload's JSON size without trusting it to be serialisable. */
export function jsonSize(payload: unknown): number {
  try {
    return JSON.stringify(payload)?.length ?? 0;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** Parses a socket payload: `too_large` over `maxBytes`, `bad_request` when malformed. */
export function parsePayload<T extends z.ZodType>(schema: T, payload: unknown, maxBytes: number): { ok: true; data: z.infer<T> } | ErrorAck {
  if (jsonSize(payload) > maxBytes) return { ok: false, code: 'too_large', message: `payload exceeds ${maxBytes} bytes` };
  const parsed = schema.safeParse(payload);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, code: 'bad_request', message: `${issue?.path.join('.') || 'payload'}: ${issue?.message ?? 'invalid'}` };
}
