import { VaultError } from '../protocol/errors';
import { FILE_ID_BYTES } from '../protocol/ids';
import { bufferSource, subtle } from './webcrypto';

// The STREAM construction (Hoang–Reyhanitabar–Rogaway–Vizár, as used by age and Tink):
// chunk i of a file is sealed under k_file with nonce = 0^7 ‖ u32be(i) ‖ u8(last).
// Binding the index and the last flag into the nonce (and the AAD) is what makes
// reordering, dropping, duplicating and truncating chunks detectable.

export const MAX_CHUNK_INDEX = 0xffffffff;

/** 0^7 ‖ index (u32 big-endian) ‖ last (u8). Built with DataView, never by XOR. */
export function chunkNonce(index: number, last: boolean): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(index) || index < 0 || index > MAX_CHUNK_INDEX) {
    throw new RangeError('chunk index out of range');
  }
  const nonce = new Uint8Array(12);
  const view = new DataView(nonce.buffer);
  view.setUint32(7, index, false);
  view.setUint8(11, last ? 1 : 0);
  return nonce;
}

/** fileId (16) ‖ index (u32 big-endian) ‖ last (u8) — the chunk frame's header. */
export function chunkAad(fileId: Uint8Array, index: number, last: boolean): Uint8Array<ArrayBuffer> {
  if (fileId.length !== FILE_ID_BYTES) throw new RangeError('file id must be 16 bytes');
  const aad = new Uint8Array(FILE_ID_BYTES + 5);
  aad.set(fileId, 0);
  const view = new DataView(aad.buffer);
  view.setUint32(FILE_ID_BYTES, index, false);
  view.setUint8(FILE_ID_BYTES + 4, last ? 1 : 0);
  return aad;
}

export async function sealChunk(
  key: CryptoKey,
  fileId: Uint8Array,
  index: number,
  last: boolean,
  plaintext: Uint8Array,
): Promise<Uint8Array> {
  const params = { name: 'AES-GCM', iv: chunkNonce(index, last), additionalData: chunkAad(fileId, index, last) };
  return new Uint8Array(await subtle.encrypt(params, key, bufferSource(plaintext)));
}

/** Opens one chunk in isolation; throws `chunk_auth_failed`. Order is StreamOpener's job. */
export async function openChunk(
  key: CryptoKey,
  fileId: Uint8Array,
  index: number,
  last: boolean,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  const params = { name: 'AES-GCM', iv: chunkNonce(index, last), additionalData: chunkAad(fileId, index, last) };
  try {
    return new Uint8Array(await subtle.decrypt(params, key, bufferSource(ciphertext)));
  } catch {
    throw new VaultError('chunk_auth_failed', `chunk ${index} failed authentication`);
  }
}

/** Seals a file's chunks in order; refuses to seal past the last one. */
export class StreamSealer {
  private nextIndex: number;
  private finished = false;

  constructor(
    private readonly key: CryptoKey,
    private readonly fileId: Uint8Array,
    startIndex = 0,
  ) {
    this.nextIndex = startIndex;
  }

  get index(): number {
    return this.nextIndex;
  }

  seal(plaintext: Uint8Array, last: boolean): Promise<Uint8Array> {
    if (this.finished) throw new VaultError('chunk_after_last', 'stream already sealed its last chunk');
    const index = this.nextIndex++;
    if (last) this.finished = true;
    return sealChunk(this.key, this.fileId, index, last, plaintext);
  }
}

/**
 * Opens a file's chunks strictly in order. The position advances before the await,
 * so overlapping calls cannot both claim one index; after any error the opener is
 * dead, as the transfer is, and every later call throws that first error: a receiver
 * that decrypts several chunks at once must report the altered chunk, not whichever
 * call noticed the dead opener first.
 */
export class StreamOpener {
  private nextIndex: number;
  private finished: boolean;
  private failure: VaultError | null = null;

  /** A resumed file starts at its first missing chunk, or finished when the last one arrived. */
  constructor(
    private readonly key: CryptoKey,
    private readonly fileId: Uint8Array,
    startIndex = 0,
    lastSeen = false,
  ) {
    this.nextIndex = startIndex;
    this.finished = lastSeen;
  }

  get index(): number {
    return this.nextIndex;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /**
   * Order violations throw at once (synchronously), so a pipeline that starts many
   * decryptions learns of a dropped or repeated chunk at the frame that shows it.
   */
  open(index: number, last: boolean, ciphertext: Uint8Array): Promise<Uint8Array> {
    if (this.failure) throw this.failure;
    if (this.finished) this.fail('chunk_after_last', `chunk ${index} arrived after the last chunk`);
    if (index < this.nextIndex) this.fail('chunk_duplicate', `chunk ${index} arrived again`);
    if (index > this.nextIndex) this.fail('chunk_missing', `chunk ${this.nextIndex} is missing (got ${index})`);
    this.nextIndex++;
    if (last) this.finished = true;
    return openChunk(this.key, this.fileId, index, last, ciphertext).catch((error: unknown) => {
      this.failure ??= error instanceof VaultError ? error : new VaultError('chunk_auth_failed', String(error));
      throw this.failure;
    });
  }

  /** Call when the sender says the file ended; throws unless the last chunk arrived. */
  finish(): void {
    if (this.failure) throw this.failure;
    if (!this.finished) this.fail('missing_last_chunk', `file ended after chunk ${this.nextIndex - 1} without a last chunk`);
  }

  private fail(code: 'chunk_after_last' | 'chunk_duplicate' | 'chunk_missing' | 'missing_last_chunk', message: string): never {
    throw (this.failure = new VaultError(code, message));
  }
}
