import { USER_MESSAGES, type VaultErrorCode } from '../protocol/errors';
import { MAX_RESUME_ATTEMPTS } from '../transfer/reconnect-machine';

// What the sender's page says when something happens to a receiver or to the session.

export const REJECTED_NOTICE =
  'A browser with a wrong or altered link tried to connect and was turned away. The link still works for the right recipient.';

/** The receiver stopped us with a sealed abort: before the channel opened, or during the transfer. */
export function abortDetail(code: VaultErrorCode, started: boolean): string {
  return started ? `The recipient stopped the transfer. ${USER_MESSAGES[code]}` : `The recipient stopped before any file data was sent. ${USER_MESSAGES[code]}`;
}

export const RECEIVER_LEFT = 'The recipient left before the transfer finished (they closed the page). What they had not verified was discarded.';

export const CONNECTION_LOST = `The connection to this recipient dropped and could not be restored after ${MAX_RESUME_ATTEMPTS} attempts.`;

export const WRONG_CODE =
  'Someone tried a wrong code, so this session was closed to keep your files safe: a code allows one guess. Share again for a new code.';

export const UNFINISHED_CODE =
  'Someone opened the code but did not finish entering it, so the server let their place go. The code still works for the right recipient.';
