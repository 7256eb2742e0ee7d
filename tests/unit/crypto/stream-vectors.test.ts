import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../../lib/crypto/base64url';
import { deriveFileKey, deriveSessionKeys } from '../../../lib/crypto/keys';
import { StreamOpener } from '../../../lib/crypto/stream';
import { isVaultError, VaultError } from '../../../lib/protocol/errors';
import { decodeFrame, GCM_TAG_BYTES } from '../../../lib/protocol/frames';
import type { Manifest } from '../../../lib/protocol/messages';
import { initialReceiverState, receiverTransition } from '../../../lib/transfer/receiver-machine';
import type { StreamVector, StreamVectorSuite } from '../../vectors/vector-format';

type Vector = StreamVector;const suite = JSON.parse(readFileSync(new URL('../../vectors/stream-vectors.json', import.meta.url), 'utf8')) as StreamVectorSuite;

/** Runs frames through the receiver's checks in the order ReceiveSession applies them. */
async function receive(vector: Vector): Promise<{ plaintext: string } | { error: string }> {
  const fileId = Buffer.from(suite.fileId, 'hex');
  const keys = await deriveSessionKeys(Buffer.from(suite.linkKey, 'hex'), suite.sessionId);
  const opener = new StreamOpener(await deriveFileKey(keys, fileId, vector.receiverEpoch), fileId);
  const manifest: Manifest = {
    transferId: 'T'.repeat(22),
    chunkSize: suite.chunkSize,
    files: [{ fileId: toBase64Url(fileId), name: 'vector.bin', path: 'vector.bin', size: vector.fileSize, type: '', lastModified: 0 }],
  };
  try {
    let state = receiverTransition(initialReceiverState, { type: 'manifest', manifest });
    const parts: Uint8Array[] = [];
    for (const hex of vector.frames) {
      const frame = decodeFrame(Buffer.from(hex, 'hex'));
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

describe('STREAM test vectors (tests/vectors/stream-vectors.json)', () => {
  it('has at least 30 vectors, valid and invalid', () => {
    expect(suite.vectors.length).toBeGreaterThanOrEqual(30);
    expect(suite.vectors.some((v) => 'plaintext' in v.expected)).toBe(true);
    expect(suite.vectors.some((v) => 'error' in v.expected)).toBe(true);
  });
  for (const vector of suite.vectors) {
    it(vector.name, async () => {
      expect(await receive(vector)).toEqual(vector.expected);
    });
  }
});
