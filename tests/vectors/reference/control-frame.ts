import { open, seal } from './aes-gcm';
import { FRAME_TYPES, type ControlFrameType } from './frame-types';

// Sealed control frames (docs/protocol.md §4): type byte ‖ nonce(12) ‖ ciphertext ‖ tag,
// the UTF-8 JSON body under k_ctrl with AAD "p2pvault/v1 frame|" + id + "|" + type name +
// "|" + direction.

const NONCE_BYTES = 12;

export type Direction = 'sender-to-receiver' | 'receiver-to-sender';

export function controlAad(sessionId: string, type: ControlFrameType, direction: Direction): string {
  return `p2pvault/v1 frame|${sessionId}|${type}|${direction}`;
}

export function sealControlFrame(
  controlKey: Uint8Array,
  sessionId: string,
  type: ControlFrameType,
  direction: Direction,
  body: unknown,
  nonce: Uint8Array,
): Buffer {
  const sealed = seal(controlKey, nonce, Buffer.from(controlAad(sessionId, type, direction)), Buffer.from(JSON.stringify(body)));
  return Buffer.concat([Buffer.of(FRAME_TYPES[type]), nonce, sealed]);
}

const TYPE_BY_BYTE = new Map<number, string>(Object.entries(FRAME_TYPES).map(([name, byte]) => [byte, name]));

/** The frame's type and JSON body text, or null if it is no control frame or does not open this way. */
export function openControlFrame(
  controlKey: Uint8Array,
  sessionId: string,
  direction: Direction,
  frame: Uint8Array,
): { type: ControlFrameType; body: string } | null {
  const type = TYPE_BY_BYTE.get(frame[0] ?? 0);
  if (type === undefined || type === 'chunk') return null;
  const name = type as ControlFrameType;
  const aad = Buffer.from(controlAad(sessionId, name, direction));
  const body = open(controlKey, frame.subarray(1, 1 + NONCE_BYTES), aad, frame.subarray(1 + NONCE_BYTES));
  return body && { type: name, body: body.toString('utf8') };
}
