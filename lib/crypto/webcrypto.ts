// WebCrypto as both browsers and Node 20 expose it (globalThis.crypto).

export const subtle: SubtleCrypto = globalThis.crypto.subtle;

export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/** WebCrypto wants ArrayBuffer-backed views; ours never sit on a SharedArrayBuffer. */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>;
}

const encoder = new TextEncoder();
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}
