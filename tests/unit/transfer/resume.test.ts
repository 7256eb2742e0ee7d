import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEphemeral, ephemeralSecret } from '../../../lib/crypto/ephemeral';
import { deriveConnectionKeys, deriveSessionKeys, generateLinkKey, type KeyExchange, type SessionKeys } from '../../../lib/crypto/keys';
import { randomBytes } from '../../../lib/crypto/webcrypto';
import { resumableTransfer } from '../../support/resumable-transfer';
import { connectionSecret, fileKey } from '../../vectors/reference/key-schedule';
import { chunkNonce, openChunk } from '../../vectors/reference/stream-framing';
import { memoryFileSource } from '../../support/memory-file-source';

const CHUNK = 1024;
const SESSION = 'session-under-test-000';

const source = memoryFileSource;
const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** A connection's ECDH, as both pages run it: lib holds the keys it yields only as CryptoKeys. */
async function keyExchange(): Promise<KeyExchange> {
  const [sender, receiver] = await Promise.all([createEphemeral(), createEphemeral()]);
  return { senderPublic: sender.publicKey, receiverPublic: receiver.publicKey, shared: await ephemeralSecret(sender, receiver.publicKey) };
}

async function expectIdentical(received: { blob: Blob; sha256: string }[], datas: Uint8Array[]) {
  expect(received).toHaveLength(datas.length);
  for (const [i, data] of datas.entries()) {
    const bytes = new Uint8Array(await received[i]!.blob.arrayBuffer());
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(data))).toBe(0);
    expect(received[i]!.sha256).toBe(sha(data));
  }
}

describe('resuming a transfer after its connection dropped', () => {
  it('continues each file from the last chunk the receiver wrote, byte-identical, sending only the rest again', async () => {
    const datas = [randomBytes(40 * CHUNK + 17), randomBytes(3 * CHUNK), randomBytes(0)];
    const keys = await deriveSessionKeys(generateLinkKey(), SESSION);
    const run = await resumableTransfer(
      datas.map((d, i) => source(`f${i}.bin`, d)),
      CHUNK,
      [20, 15],
      async () => keys,
    );
    await expectIdentical(run.received, datas);
    const total = datas.reduce((sum, d) => sum + d.length, 0);
    expect(run.connections.map((c) => c.epoch)).toEqual([0, 1, 2]);
    // The second connection started where the receiver stood, not at chunk 0.
    expect(run.connections[1]!.connection.chunksSent[0]!.index).toBeGreaterThan(0);
    expect(run.bytesKept).toHaveLength(2);
    expect(run.bytesKept[0]).toBeGreaterThan(0);
    // Resent: only chunks in flight when each connection died (at most the flow window).
    expect(run.bytesSent).toBeLessThan(total * 1.5);
    expect(run.bytesSent).toBeGreaterThanOrEqual(total);
  });

  it('resumes with only the file-end when every chunk had arrived', async () => {
    const data = randomBytes(8 * CHUNK);
    const keys = await deriveSessionKeys(generateLinkKey(), SESSION);
    // The connection dies as the file-end goes: every chunk arrived, the hash check did not.
    const run = await resumableTransfer([source('a.bin', data)], CHUNK, ['file-end'], async () => keys);
    await expectIdentical(run.received, [data]);
    expect(run.connections).toHaveLength(2);
    expect(run.connections[1]!.connection.chunksSent).toHaveLength(0);
  });

  it('never seals two chunks under the same (key, nonce), over any sequence of drops and resumptions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 12 * CHUNK }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.oneof(fc.integer({ min: 1, max: 14 }), fc.constant<'file-end'>('file-end')), { maxLength: 5 }),
        fc.boolean(),
        async (sizes, drops, sameConnectionKeys) => {
          const datas = sizes.map((size) => randomBytes(size));
          const linkKey = generateLinkKey();
          // Worst case first: every connection with the same ECDH, so the same C, and only
          // the epoch separates their keys. Otherwise a fresh ECDH per connection, as in use.
          const fixed = await keyExchange();
          // Each connection's C as the reference derives it from K and the raw exchange.
          const secrets = new Map<SessionKeys, Uint8Array>();
          const keysFor = async () => {
            const exchange = sameConnectionKeys ? fixed : await keyExchange();
            const keys = await deriveConnectionKeys(linkKey, SESSION, exchange);
            secrets.set(keys, connectionSecret(linkKey, exchange.shared, SESSION, exchange.senderPublic, exchange.receiverPublic));
            return keys;
          };
          const run = await resumableTransfer(
            datas.map((d, i) => source(`f${i}.bin`, d)),
            CHUNK,
            drops,
            keysFor,
          );
          await expectIdentical(run.received, datas);
          const used = new Set<string>();
          for (const { epoch, connection } of run.connections) {
            const c = secrets.get(connection.sender.keys)!;
            for (const chunk of connection.chunksSent) {
              const key = fileKey(c, chunk.fileId, epoch);
              // Opening proves the frame was sealed under exactly this key and nonce.
              expect(openChunk(key, chunk.fileId, chunk.index, chunk.last, chunk.ciphertext)).not.toBeNull();
              const pair = `${hex(key)}|${hex(chunkNonce(chunk.index, chunk.last))}`;
              expect(used.has(pair)).toBe(false);
              used.add(pair);
            }
          }
        },
      ),
      { numRuns: 100, timeout: 5000 },
    );
  }, 60_000);
});
