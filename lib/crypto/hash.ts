import { createSHA256 } from 'hash-wasm';

// Incremental SHA-256 (WebCrypto's digest is one-shot), so each file is read and
// hashed in one pass, chunk by chunk.

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
