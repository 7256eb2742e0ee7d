import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../../lib/protocol/base64url';
import { deriveFileKey, type SessionKeys } from '../../../lib/crypto/keys';
import { chunkNonce, sealChunk, StreamOpener } from '../../../lib/crypto/stream';
import { isVaultError, VaultError } from '../../../lib/protocol/errors';
import { decodeFrame, encodeChunkFrame, GCM_TAG_BYTES } from '../../../lib/protocol/frames';
import type { Manifest } from '../../../lib/protocol/messages';
import { initialReceiverState, receiverTransition } from '../../../lib/transfer/receiver-machine';
import { projectConnection } from '../../support/vector-connection';
import { streamVectors, type ChunkSealer } from '../../vectors/stream-cases';
import type { StreamVector, StreamVectorSuite } from '../../vectors/vector-format';

const suite = JSON.parse(readFileSync(new URL('../../vectors/stream-vectors.json', import.meta.url), 'utf8')) as StreamVectorSuite;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** lib/ sealing the vector cases: its ECDH, key schedule, STREAM sealing and frame codec. */
async function projectSealer(): Promise<ChunkSealer> {
  const keys = {
    link: (await projectConnection(suite.connection)).sender.keys,
    otherLink: (await projectConnection(suite.connection, suite.otherLink.K)).sender.keys,
  };
  return {
    async seal({ link, fileId, epoch, index, last, plaintext }) {
      const key = await deriveFileKey(keys[link], fileId, epoch);
      return encodeChunkFrame(fileId, index, last, await sealChunk(key, fileId, index, last, plaintext));
    },
    frame: encodeChunkFrame,
  };
}

const receiverKeys = projectConnection(suite.connection).then((connection) => connection.receiver.keys);

/** Runs frames through the receiver's checks in the order ReceiveSession applies them. */
async function receive(keys: SessionKeys, vector: StreamVector): Promise<StreamVector['expected']> {
  const fileId = Buffer.from(suite.fileId, 'hex');
  const opener = new StreamOpener(await deriveFileKey(keys, fileId, vector.receiverEpoch), fileId);
  const manifest: Manifest = {
    transferId: 'T'.repeat(22),
    chunkSize: suite.chunkSize,
    files: [{ fileId: toBase64Url(fileId), name: 'vector.bin', path: 'vector.bin', size: vector.fileSize, type: '', lastModified: 0 }],
  };
  try {
    let state = receiverTransition(initialReceiverState, { type: 'manifest', manifest });
    const parts: Uint8Array[] = [];
    for (const frameHex of vector.frames) {
      const frame = decodeFrame(Buffer.from(frameHex, 'hex'));
      if (frame.type !== 'chunk') throw new VaultError('frame_malformed', 'not a chunk frame');
      const size = frame.ciphertext.length - GCM_TAG_BYTES;
      state = receiverTransition(state, { type: 'chunk', fileId: toBase64Url(frame.fileId), last: frame.last, size });
      parts.push(await opener.open(frame.index, frame.last, frame.ciphertext));
    }
    state = receiverTransition(state, { type: 'file-end', fileId: manifest.files[0]!.fileId });
    opener.finish();
    return { plaintext: Buffer.concat(parts).toString('hex') };
  } catch (error) {
    if (!isVaultError(error)) throw error;
    return { error: error.code };
  }
}

describe('STREAM vectors (tests/vectors/stream-vectors.json): lib/ seals exactly what the reference does', () => {
  it('computes the same ECDH secret Z on both sides from the fixed private keys', async () => {
    const { sender, receiver } = await projectConnection(suite.connection);
    expect(hex(sender.shared)).toBe(suite.connection.Z);
    expect(hex(receiver.shared)).toBe(suite.connection.Z);
  });

  it('builds every chunk nonce the vectors use', () => {
    for (const { index, last, nonce } of suite.chunkNonces) expect(hex(chunkNonce(index, last))).toBe(nonce);
  });

  it('seals every case to the same frames, byte for byte', async () => {
    expect(await streamVectors(await projectSealer())).toEqual(suite.vectors);
  });
});

describe('STREAM vectors (tests/vectors/stream-vectors.json): lib/ receives each to its expected outcome', () => {
  it('has at least 30 vectors, valid and invalid', () => {
    expect(suite.vectors.length).toBeGreaterThanOrEqual(30);
    expect(suite.vectors.some((v) => 'plaintext' in v.expected)).toBe(true);
    expect(suite.vectors.some((v) => 'error' in v.expected)).toBe(true);
  });
  for (const vector of suite.vectors) {
    it(vector.name, async () => {
      expect(await receive(await receiverKeys, vector)).toEqual(vector.expected);
    });
  }
});
