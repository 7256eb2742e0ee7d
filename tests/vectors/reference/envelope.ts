import { open, seal } from './aes-gcm';

// Signaling envelopes (docs/protocol.md §3): {type, nonce, ct}, the UTF-8 JSON of
// {type, seq, data} sealed under k_sig with AAD id|from|to|type.

export interface Route {
  sessionId: string;
  /** peer id of the page that seals the envelope */
  from: string;
  /** peer id of the page it is addressed to */
  to: string;
}

export interface SignalMessage {
  type: string;
  seq: number;
  data: unknown;
}

export interface Envelope {
  type: string;
  nonce: string;
  ct: string;
}

export function envelopeAad(route: Route, type: string): string {
  return `${route.sessionId}|${route.from}|${route.to}|${type}`;
}

export function sealEnvelope(signalKey: Uint8Array, route: Route, message: SignalMessage, nonce: Uint8Array): Envelope {
  const ct = seal(signalKey, nonce, Buffer.from(envelopeAad(route, message.type)), Buffer.from(JSON.stringify(message)));
  return { type: message.type, nonce: Buffer.from(nonce).toString('base64url'), ct: ct.toString('base64url') };
}

/** The plaintext JSON text, or null if it does not open on this route under its type. */
export function openEnvelope(signalKey: Uint8Array, route: Route, envelope: Envelope): string | null {
  const nonce = Buffer.from(envelope.nonce, 'base64url');
  const aad = Buffer.from(envelopeAad(route, envelope.type));
  return open(signalKey, nonce, aad, Buffer.from(envelope.ct, 'base64url'))?.toString('utf8') ?? null;
}
