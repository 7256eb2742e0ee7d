import { createSHA256 } from 'hash-wasm';

// Incremental SHA-256 (WebCrypto's digest is one-shot), so each file is read and
// hashed in one pass, chunk by chunk. Its state can be saved at a chunk boundary and
// loaded again, so a resumed transfer continues the hash where the receiver stands
// without reading the file from the start.

export interface IncrementalHash {
  update(bytes: Uint8Array): void;
  digestHex(): string;
  /** The state after everything hashed so far (a few hundred bytes). */
  save(): Uint8Array;
}

export async function createIncrementalSha256(saved?: Uint8Array): Promise<IncrementalHash> {
  const hasher = await createSHA256();
  hasher.init();
  if (saved) hasher.load(saved);
  return {
    update: (bytes) => void hasher.update(bytes),
    digestHex: () => hasher.digest('hex'),
    save: () => hasher.save(),
  };
}
