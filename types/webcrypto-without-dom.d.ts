// For tsconfig.pure.json only (tsconfig.json excludes it). WebCrypto is a global in
// browsers and in Node, but TypeScript names its types only in the DOM lib. The pure check
// leaves the DOM lib out so lib/protocol, lib/crypto and lib/transfer cannot use a DOM-only
// API; these aliases give them WebCrypto's types from @types/node instead.
import type { webcrypto } from 'node:crypto';

declare global {
  type CryptoKey = webcrypto.CryptoKey;
  type CryptoKeyPair = webcrypto.CryptoKeyPair;
  type SubtleCrypto = webcrypto.SubtleCrypto;
}
