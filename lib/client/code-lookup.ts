import { ApiErrorSchema, CodeLookupResponseSchema } from '../protocol/api';
import { isSignalingErrorCode, USER_MESSAGES, VaultError } from '../protocol/errors';

/**
 * Which session a short code's number names (GET /api/code/<n>). Only the number
 * travels; the words never leave this side except as the PAKE's output.
 */
export async function lookupCode(origin: string, nameplate: number): Promise<string> {
  const url = new URL(`/api/code/${nameplate}`, origin);
  const response = await fetch(url, { cache: 'no-store' }).catch((error: unknown) => {
    throw new VaultError('server_unreachable', `${url.origin}: ${error instanceof Error ? error.message : String(error)}`);
  });
  if (response.ok) return CodeLookupResponseSchema.parse(await response.json()).id;
  const body = ApiErrorSchema.safeParse(await response.json().catch(() => null));
  const code = body.success && isSignalingErrorCode(body.data.code) ? body.data.code : 'unavailable';
  throw new VaultError(code, USER_MESSAGES[code]);
}
