import { FILE_ID, OTHER_FILE_ID, OTHER_LINK_KEY } from './fixed-inputs';
import { fixedConnection, hex } from './fixed-connection';
import { fileKey } from './reference/key-schedule';
import { chunkFrame, chunkNonce, sealChunkFrame } from './reference/stream-framing';
import { CHUNK_SIZE, streamVectors, type ChunkSealer } from './stream-cases';
import type { ChunkNonceVector, FileKeyVector, StreamVectorSuite } from './vector-format';

/** The content of stream-vectors.json, every frame sealed by the reference implementation. */
export async function streamSuite(): Promise<StreamVectorSuite> {
  const connection = fixedConnection();
  const otherLink = fixedConnection(OTHER_LINK_KEY);
  const secrets = { link: connection.keys.C, otherLink: otherLink.keys.C };
  // What the sealer used, so an implementer can check each k_file and nonce on its own.
  const fileKeys = new Map<string, FileKeyVector>();
  const nonces = new Map<string, ChunkNonceVector>();
  const sealer: ChunkSealer = {
    async seal({ link, fileId, epoch, index, last, plaintext }) {
      const key = fileKey(secrets[link], fileId, epoch);
      const nonce = chunkNonce(index, last);
      fileKeys.set(`${link}|${hex(fileId)}|${epoch}`, { link, fileId: hex(fileId), epoch, k_file: hex(key) });
      nonces.set(hex(nonce), { index, last, nonce: hex(nonce) });
      return sealChunkFrame(key, fileId, index, last, plaintext);
    },
    frame: chunkFrame,
  };
  const vectors = await streamVectors(sealer);
  return {
    description:
      'STREAM chunk frames (p2pvault v1, docs/protocol.md §2 and §4), sealed by the reference implementation (tests/vectors/reference, node:crypto) under ' +
      'k_file = HKDF-SHA256(C, salt = fileId, info = "p2pvault/v1 chunk|" + epoch) of the connection below: ' +
      'type 4 ‖ fileId ‖ u32be index ‖ u8 last ‖ AES-256-GCM(k_file, nonce = 0^7 ‖ u32be index ‖ u8 last, aad = fileId ‖ u32be index ‖ u8 last) ‖ tag. ' +
      'The receiver opens every vector as the connection’s receiver, fileId and chunkSize below, key epoch receiverEpoch.',
    connection: connection.vector,
    otherLink: { K: otherLink.vector.K, C: otherLink.vector.C },
    fileId: hex(FILE_ID),
    otherFileId: hex(OTHER_FILE_ID),
    chunkSize: CHUNK_SIZE,
    fileKeys: [...fileKeys.values()],
    chunkNonces: [...nonces.values()].sort((a, b) => a.index - b.index || Number(a.last) - Number(b.last)),
    vectors,
  };
}
