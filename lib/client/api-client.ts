import { ApiErrorSchema, CodeLookupResponseSchema, CreateSessionResponseSchema, type CreateSessionRequest, type CreateSessionResponse } from '../protocol/api';
import { isSignalingErrorCode, USER_MESSAGES, VaultError } from '../protocol/errors';

// The two HTTP calls a client makes. Both fail the same way: a server out of reach is
// `server_unreachable`, and a refusal is the server's named code in our words.

/** Creates a session (POST /api/session); the sender then joins it over signaling. */
export async function createSession(server: string, request: CreateSessionRequest): Promise<CreateSessionResponse> {
  const response = await call(new URL('/api/session', server), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  return CreateSessionResponseSchema.parse(await response.json());
}

/**
 * Which session a short code's number names (GET /api/code/<n>). Only the number
 * travels; the words never leave this side except as the PAKE's output.
 */
export async function lookupCode(server: string, nameplate: number): Promise<string> {
  const response = await call(new URL(`/api/code/${nameplate}`, server), { cache: 'no-store' });
  return CodeLookupResponseSchema.parse(await response.json()).id;
}

async function call(url: URL, init: RequestInit): Promise<Response> {
  const response = await fetch(url, init).catch((error: unknown) => {
    throw new VaultError('server_unreachable', `${url.origin}: ${error instanceof Error ? error.message : String(error)}`);
  });
  if (!response.ok) throw await refusal(response);
  return response;
}

/** Why the server refused, in our words: its named code when it gave one. */
async function refusal(response: Response): Promise<VaultError> {
  const body = ApiErrorSchema.safeParse(await response.json().catch(() => null));
  const code = body.success && isSignalingErrorCode(body.data.code) ? body.data.code : 'unavailable';
  return new VaultError(code, USER_MESSAGES[code]);
}
