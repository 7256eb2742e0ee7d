import { createSHA256 } from 'hash-wasm';

// Incremental SHA-256 (WebCrypto's digest is one-shot), so a file is hashed in one pass,
// block by block or chunk by chunk, without being held in memory whole.

export interface IncrementalHash {
  update(bytes: Uint8Array): void;
  digestHex(): string;
}

export async function createIncrementalSha256(): Promise<IncrementalHash> {
  const hasher = await createSHA256();
  hasher.init();
  return {
    update: (bytes) => void hasher.update(bytes),
    digestHex: () => hasher.digest('hex'),
  };
}
