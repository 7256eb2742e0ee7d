import { USER_MESSAGES, VaultError, type VaultErrorCode } from '../protocol/errors';
import { MAX_RESUME_ATTEMPTS } from '../transfer/reconnect-machine';

// What the receiver tells the person when its sender stopped, left or could not be reached again.

/** `cancelled` from the sender once the channel is open: it stopped this receiver (or closed its page). */
export const SENDER_STOPPED = 'The sender stopped the transfer to this browser. The partial file was discarded.';

export const SENDER_LEFT =
  'The sender left before the transfer finished (they closed the page or lost their connection). Nothing incomplete was kept: ask them to send the files again.';

export const CONNECTION_LOST = `The connection to the sender dropped and could not be restored after ${MAX_RESUME_ATTEMPTS} attempts. Nothing incomplete was kept: ask the sender to share again.`;

/** Why the sender's sealed abort stopped us, in words that fit when it came. */
export function abortDetail(code: VaultErrorCode, channelOpen: boolean): string {
  if (code === 'full') return USER_MESSAGES.full;
  if (code === 'cancelled' && channelOpen) return SENDER_STOPPED;
  return `The sender stopped before any file data was sent. ${USER_MESSAGES[code]}`;
}

export const senderLeftError = () => new VaultError('peer_left', SENDER_LEFT);
