import { createSHA256 } from 'hash-wasm';
import { VaultError } from '../protocol/errors';

// Incremental SHA-256 (WebCrypto's digest is one-shot), so a file is hashed in one pass,
// block by block or chunk by chunk, without being held in memory whole. Its state can be
// saved and restored, so a receiver that restarts continues a file's hash where it stood.

/**
 * Largest saved state accepted back: hash-wasm's SHA-256 state is 116 bytes (a build
 * tag, the running state and up to one 64-byte block not yet compressed).
 */
export const MAX_HASH_STATE_BYTES = 128;

export interface IncrementalHash {
  update(bytes: Uint8Array): void;
  digestHex(): string;
  /**
   * The running state, for `createIncrementalSha256(state)` later. It holds up to 63
   * bytes of the hashed input in clear: keep it as private as the file itself.
   */
  saveState(): Uint8Array;
}

/** A fresh SHA-256, or one continuing from a state `saveState` returned; throws `hash_mismatch` on a state it cannot load. */
export async function createIncrementalSha256(state?: Uint8Array): Promise<IncrementalHash> {
  const hasher = await createSHA256();
  hasher.init();
  if (state) {
    if (state.length > MAX_HASH_STATE_BYTES) throw new VaultError('hash_mismatch', 'saved hash state is too long');
    try {
      hasher.load(state);
    } catch (error) {
      throw new VaultError('hash_mismatch', `saved hash state does not load: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return {
    update: (bytes) => void hasher.update(bytes),
    digestHex: () => hasher.digest('hex'),
    saveState: () => hasher.save(),
  };
}
