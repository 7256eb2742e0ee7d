import type { VaultErrorCode } from '../protocol/errors';

// Exit status for scripts: what kind of failure, not which one (stderr names it).

export const EXIT = { ok: 0, failed: 1, usage: 2, integrity: 3, interrupted: 130 } as const;

/** Codes that mean the data or the peer did not prove authentic: retrying the same way will not help. */
const INTEGRITY: ReadonlySet<VaultErrorCode> = new Set<VaultErrorCode>([
  'chunk_auth_failed',
  'frame_auth_failed',
  'hash_mismatch',
  'size_mismatch',
  'not_authentic',
  'envelope_invalid',
  'key_invalid',
  'wrong_code',
]);

export function exitCodeFor(code: VaultErrorCode): number {
  return INTEGRITY.has(code) ? EXIT.integrity : EXIT.failed;
}
