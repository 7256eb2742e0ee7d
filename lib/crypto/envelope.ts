import { VaultError } from '../protocol/errors';
import type { ControlFrame, ControlFrameType } from '../protocol/frames';
import { encodeControlFrame, GCM_NONCE_BYTES } from '../protocol/frames';
import { SignalPlaintextSchema, type Envelope, type SignalPlaintext } from '../protocol/signaling';
import { fromBase64Url, toBase64Url } from '../protocol/base64url';
import type { SessionKeys } from './keys';
import { bufferSource, randomBytes, subtle, utf8 } from './webcrypto';

// AES-256-GCM with a random 96-bit nonce for the few, small sealed messages:
// signaling envelopes (relayed by the server) and control frames (DataChannel).

const decoder = new TextDecoder();

async function seal(key: CryptoKey, aad: string, plaintext: Uint8Array) {
  const nonce = randomBytes(GCM_NONCE_BYTES);
  const ct = await subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: utf8(aad) }, key, bufferSource(plaintext));
  return { nonce, ciphertext: new Uint8Array(ct) };
}

async function open(key: CryptoKey, aad: string, nonce: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array | null> {
  try {
    const pt = await subtle.decrypt(
      { name: 'AES-GCM', iv: bufferSource(nonce), additionalData: utf8(aad) },
      key,
      bufferSource(ciphertext),
    );
    return new Uint8Array(pt);
  } catch {
    return null;
  }
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
}

export interface EnvelopeRoute {
  from: string;
  to: string;
}

// The AAD binds an envelope to its session, sender, recipient and type, so the server
// cannot redirect, reflect or relabel it.
const signalAad = (keys: SessionKeys, route: EnvelopeRoute, type: string) =>
  `${keys.sessionId}|${route.from}|${route.to}|${type}`;

export async function sealSignal(keys: SessionKeys, route: EnvelopeRoute, message: SignalPlaintext): Promise<Envelope> {
  const { nonce, ciphertext } = await seal(keys.signal, signalAad(keys, route, message.type), utf8(JSON.stringify(message)));
  return { type: message.type, nonce: toBase64Url(nonce), ct: toBase64Url(ciphertext) };
}

/** Opens and validates an envelope; throws `envelope_invalid` for any failure. */
export async function openSignal(keys: SessionKeys, route: EnvelopeRoute, envelope: Envelope): Promise<SignalPlaintext> {
  let nonce: Uint8Array;
  let ct: Uint8Array;
  try {
    nonce = fromBase64Url(envelope.nonce);
    ct = fromBase64Url(envelope.ct);
  } catch {
    throw new VaultError('envelope_invalid', 'envelope is not base64url');
  }
  const plaintext = await open(keys.signal, signalAad(keys, route, envelope.type), nonce, ct);
  if (!plaintext) throw new VaultError('envelope_invalid', 'envelope did not open: wrong key or tampered');
  const parsed = SignalPlaintextSchema.safeParse(parseJson(plaintext));
  if (!parsed.success || parsed.data.type !== envelope.type) {
    throw new VaultError('envelope_invalid', 'envelope content is malformed');
  }
  return parsed.data;
}

/** Direction of a DataChannel frame; in the AAD so a frame cannot be reflected back. */
export type Direction = 'sender-to-receiver' | 'receiver-to-sender';

const controlAad = (keys: SessionKeys, type: ControlFrameType, direction: Direction) =>
  `p2pvault/v1 frame|${keys.sessionId}|${type}|${direction}`;

export async function sealControlFrame(
  keys: SessionKeys,
  type: ControlFrameType,
  direction: Direction,
  body: unknown,
): Promise<Uint8Array> {
  const { nonce, ciphertext } = await seal(keys.control, controlAad(keys, type, direction), utf8(JSON.stringify(body)));
  return encodeControlFrame(type, nonce, ciphertext);
}

/** Opens a control frame to its JSON value; throws `frame_auth_failed` if it does not open. */
export async function openControlFrame(keys: SessionKeys, frame: ControlFrame, direction: Direction): Promise<unknown> {
  const plaintext = await open(keys.control, controlAad(keys, frame.type, direction), frame.nonce, frame.ciphertext);
  if (!plaintext) throw new VaultError('frame_auth_failed', `${frame.type} frame failed authentication`);
  const value = parseJson(plaintext);
  if (value === undefined) throw new VaultError('frame_malformed', `${frame.type} frame is not JSON`);
  return value;
}
