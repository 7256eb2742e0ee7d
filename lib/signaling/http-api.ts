import { USER_MESSAGES, type SignalingErrorCode } from '../protocol/errors';
import { CreateSessionRequestSchema, type CodeLookupResponse, type CreateSessionResponse, type SessionStatusResponse } from '../protocol/api';
import { SessionIdSchema } from '../protocol/ids';
import { MAX_NAMEPLATE, MIN_NAMEPLATE } from '../protocol/pake';
import type { Logger } from '../log';
import type { AbuseLimits } from './abuse-limits';
import { limitKey } from './limit-key';
import type { ServerContext } from './server-context';
import type { SessionStore } from './session-store';

// The HTTP API as plain Request → Response functions; app/api routes only call these.

/**
 * The largest request body the API reads. The biggest legitimate one,
 * `{"maxReceivers":8,"code":true}`, is 30 bytes; server.ts applies the same cap to
 * every request it hands to Next (lib/signaling/body-guard.ts).
 */
export const MAX_BODY_BYTES = 1024;
const NO_STORE = { 'Cache-Control': 'no-store' };

const json = (body: unknown, status: number) => Response.json(body, { status, headers: NO_STORE });
const error = (code: SignalingErrorCode, status: number, message = USER_MESSAGES[code]) => json({ code, message }, status);
const rateLimited = (retryAfterSeconds: number) =>
  Response.json(
    { code: 'rate_limited', message: USER_MESSAGES.rate_limited },
    { status: 429, headers: { ...NO_STORE, 'Retry-After': String(retryAfterSeconds) } },
  );

const tooLarge = () => error('too_large', 413, `Request body too large (at most ${MAX_BODY_BYTES} bytes).`);

/**
 * The body as JSON, read at most MAX_BODY_BYTES far: a declared length over the cap is
 * refused unread, and a chunked body (no length) is counted as it arrives and the
 * reading stops (the stream is cancelled) once it passes the cap.
 */
export async function readJsonBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) return { ok: false, response: tooLarge() };
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        void reader.cancel().catch(() => {});
        return { ok: false, response: tooLarge() };
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, response: error('bad_request', 400, 'Request body must be JSON.') };
  }
}

export async function createSession(request: Request, store: SessionStore, limits: AbuseLimits, ip: string, logger?: Logger): Promise<Response> {
  const allowed = await limits.createSession(ip);
  if (!allowed.ok) {
    logger?.warn('refused', { limit: 'sessions_per_minute', address: limitKey(ip) });
    return rateLimited(allowed.retryAfterSeconds);
  }
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const parsed = CreateSessionRequestSchema.safeParse(body.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return error('bad_request', 400, `Invalid request: ${field}${issue?.message}`);
  }
  try {
    const owner = limitKey(ip);
    const created = await store.create({ maxReceivers: parsed.data.maxReceivers ?? 1, code: parsed.data.code === true, owner });
    if (!created.ok && created.code === 'owner_limit') {
      logger?.warn('refused', { limit: 'sessions_per_address', address: owner });
      return Response.json(
        { code: 'rate_limited', message: 'This address already holds as many open sessions as it may. Wait for one to end or expire, or end one you no longer need.' },
        { status: 429, headers: { ...NO_STORE, 'Retry-After': String(Math.max(1, Math.ceil(created.retryAfterMs / 1000))) } },
      );
    }
    if (!created.ok) {
      logger?.warn('refused', { limit: 'max_sessions' });
      return error('capacity', 503);
    }
    const { id, senderToken, expiresAt, maxReceivers, nameplate } = created.session;
    const response: CreateSessionResponse = {
      id,
      senderToken,
      expiresAt: new Date(expiresAt).toISOString(),
      maxReceivers,
      ...(nameplate !== undefined ? { nameplate } : {}),
    };
    return json(response, 201);
  } catch {
    return error('unavailable', 503);
  }
}

export async function getSessionStatus(id: string, store: SessionStore): Promise<Response> {
  if (!SessionIdSchema.safeParse(id).success) return error('bad_request', 400, 'Malformed session id.');
  try {
    const session = await store.get(id);
    if (!session) return error('not_found', 404);
    if (session.expired) return error('expired', 410);
    const receivers = session.peers.filter((p) => p.role === 'receiver').length;
    const response: SessionStatusResponse = {
      id,
      expiresAt: new Date(session.expiresAt).toISOString(),
      senderPresent: session.peers.some((p) => p.role === 'sender'),
      receiverPresent: receivers > 0,
      receivers,
      maxReceivers: session.maxReceivers,
    };
    return json(response, 200);
  } catch {
    return error('unavailable', 503);
  }
}

/**
 * GET /api/code/<nameplate>: the id of the live session a short code's number names.
 * Limited per address before anything else (numbers are easy to walk through), and a
 * miss costs more than a hit. The words of the code never reach the server.
 */
export async function lookupCode(nameplate: string, store: SessionStore, limits: AbuseLimits, ip: string, logger?: Logger): Promise<Response> {
  const allowed = await limits.codeLookup(ip);
  if (!allowed.ok) {
    logger?.warn('refused', { limit: 'code_lookups_per_minute', address: limitKey(ip) });
    return rateLimited(allowed.retryAfterSeconds);
  }
  const number = /^\d{1,6}$/.test(nameplate) ? Number(nameplate) : NaN;
  if (!(number >= MIN_NAMEPLATE && number <= MAX_NAMEPLATE)) {
    return error('bad_request', 400, `A code's number is ${MIN_NAMEPLATE} to ${MAX_NAMEPLATE}.`);
  }
  try {
    const id = await store.findByNameplate(number);
    if (!id) {
      await limits.codeLookupFailed(ip);
      return error('code_not_found', 404);
    }
    const response: CodeLookupResponse = { id };
    return json(response, 200);
  } catch {
    return error('unavailable', 503);
  }
}

/** Liveness, and readiness of Redis when the instance uses it: 503 while Redis is away. */
export async function healthStatus(context: ServerContext): Promise<Response> {
  const report = await context.health();
  const ready = report.redis !== 'down';
  return json({ status: ready ? 'ok' : 'degraded', ...report }, ready ? 200 : 503);
}
