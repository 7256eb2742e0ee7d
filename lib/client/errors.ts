import { isVaultError, USER_MESSAGES } from '../protocol/errors';
import type { ShownError } from './transfer-status';

/** The message a person sees: ours, by code, never a peer's free text. */
export function shownError(error: unknown, detail?: string): ShownError {
  if (isVaultError(error)) return { code: error.code, message: detail ?? USER_MESSAGES[error.code] };
  return { code: 'protocol_violation', message: 'Something went wrong. Please try again.' };
}
