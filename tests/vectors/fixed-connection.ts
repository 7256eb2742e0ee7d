import { RECEIVER_PRIVATE_KEY, SENDER_PRIVATE_KEY, SESSION_ID, LINK_KEY } from './fixed-inputs';
import { confirmKey, connectionSecret, controlKey, dhText, ecdhSecret, publicPoint, signalKey } from './reference/key-schedule';
import type { ConnectionVector, PeerKeyVector } from './vector-format';

export const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function peer(privateKey: Uint8Array): { point: Buffer; vector: PeerKeyVector } {
  const point = publicPoint(privateKey);
  return { point, vector: { privateKey: hex(privateKey), publicPoint: hex(point), dh: dhText(point) } };
}

/**
 * The vectors' connection between the fixed sender and receiver key pairs, through every
 * step of the key schedule; another link key gives another C over the same ECDH.
 */
export function fixedConnection(linkKey: Uint8Array = LINK_KEY) {
  const sender = peer(SENDER_PRIVATE_KEY);
  const receiver = peer(RECEIVER_PRIVATE_KEY);
  const z = ecdhSecret(SENDER_PRIVATE_KEY, receiver.point);
  if (!z.equals(ecdhSecret(RECEIVER_PRIVATE_KEY, sender.point))) throw new Error('the two ends of the ECDH disagree');
  const c = connectionSecret(linkKey, z, SESSION_ID, sender.vector.dh, receiver.vector.dh);
  const keys = {
    C: c,
    k_sig: signalKey(linkKey, SESSION_ID),
    k_ctrl: controlKey(c, SESSION_ID),
    k_confirm_sender: confirmKey(c, SESSION_ID, 'sender'),
    k_confirm_receiver: confirmKey(c, SESSION_ID, 'receiver'),
  };
  const vector: ConnectionVector = {
    K: hex(linkKey),
    sessionId: SESSION_ID,
    sender: sender.vector,
    receiver: receiver.vector,
    Z: hex(z),
    C: hex(keys.C),
    k_sig: hex(keys.k_sig),
    k_ctrl: hex(keys.k_ctrl),
    k_confirm_sender: hex(keys.k_confirm_sender),
    k_confirm_receiver: hex(keys.k_confirm_receiver),
  };
  return { keys, vector };
}
