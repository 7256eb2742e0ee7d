import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { confirmationTranscript } from '../../../lib/crypto/key-confirmation';
import { deriveSessionKeys, generateLinkKey } from '../../../lib/crypto/keys';
import { randomBytes } from '../../../lib/crypto/webcrypto';
import { decodeFrame } from '../../../lib/protocol/frames';
import { createMemorySink } from '../../../lib/storage/memory-sink';
import { ReceiveSession } from '../../../lib/transfer/receive-session';
import { SendSession } from '../../../lib/transfer/send-session';
import { memoryPortPair, type Tap } from '../../support/memory-port';
import type { FileSource } from '../../../lib/transfer/file-source';
import { memoryFileSource } from '../../support/memory-file-source';

const CHUNK = 4096;

const source = memoryFileSource;

const sha = (data: Uint8Array | Buffer) => createHash('sha256').update(data).digest('hex');

const transcript = confirmationTranscript('session-under-test-000', ['sha-256 aa:bb'], ['sha-256 cc:dd']);

async function transfer(
  files: FileSource[],
  opts: { tapToReceiver?: Tap; receiverKey?: Uint8Array; receiverTranscript?: Uint8Array } = {},
) {
  const linkKey = generateLinkKey();
  const senderKeys = await deriveSessionKeys(linkKey, 'session-under-test-000');
  const receiverKeys = opts.receiverKey ? await deriveSessionKeys(opts.receiverKey, 'session-under-test-000') : senderKeys;
  const pair = memoryPortPair(opts.tapToReceiver);
  const sender = new SendSession({ keys: senderKeys, port: pair.a, transcript, files, chunkSize: CHUNK });
  const receiver = new ReceiveSession({
    keys: receiverKeys,
    port: pair.b,
    transcript: opts.receiverTranscript ?? transcript,
    createSink: async (file) => createMemorySink(file),
  });
  pair.onReceiveA((f) => sender.receive(f));
  pair.onReceiveB((f) => receiver.receive(f));
  const [sent, received] = await Promise.allSettled([sender.run(), receiver.done]);
  return { sent, received };
}

describe('send and receive sessions over an in-memory channel', () => {
  it('delivers several files, some in folders, byte-identical with matching SHA-256 and their paths', async () => {
    const datas = [randomBytes(0), randomBytes(1), randomBytes(CHUNK), randomBytes(3 * CHUNK + 5)];
    const paths = ['f0.bin', 'docs/f1.bin', 'docs/2024/f2.bin', 'f3.bin'];
    const { sent, received } = await transfer(datas.map((d, i) => source(paths[i]!, d)));
    expect(sent.status).toBe('fulfilled');
    expect(received.status).toBe('fulfilled');
    const files = (received as PromiseFulfilledResult<Awaited<ReturnType<ReceiveSession['done']['then']>>>).value as {
      blob: Blob;
      sha256: string;
      file: { name: string; path: string };
    }[];
    expect(files.map((f) => f.file.path)).toEqual(paths);
    expect(files.map((f) => f.file.name)).toEqual(['f0.bin', 'f1.bin', 'f2.bin', 'f3.bin']);
    for (const [i, data] of datas.entries()) {
      const bytes = new Uint8Array(await files[i]!.blob.arrayBuffer());
      expect(Buffer.compare(Buffer.from(bytes), Buffer.from(data))).toBe(0);
      expect(files[i]!.sha256).toBe(sha(data));
    }
  });

  it('fails both sides with chunk_auth_failed when a chunk is altered', async () => {
    let n = 0;
    const tap: Tap = (frame, deliver) => {
      if (decodeFrame(frame).type === 'chunk' && n++ === 1) frame[frame.length - 3]! ^= 1;
      deliver(frame);
    };
    const { sent, received } = await transfer([source('a', randomBytes(5 * CHUNK))], { tapToReceiver: tap });
    expect(received).toMatchObject({ status: 'rejected', reason: { code: 'chunk_auth_failed' } });
    expect(sent).toMatchObject({ status: 'rejected', reason: { code: 'chunk_auth_failed' } });
  });

  it('fails with chunk_missing when a chunk is dropped', async () => {
    let n = 0;
    const tap: Tap = (frame, deliver) => {
      if (decodeFrame(frame).type === 'chunk' && n++ === 2) return;
      deliver(frame);
    };
    const { received } = await transfer([source('a', randomBytes(5 * CHUNK))], { tapToReceiver: tap });
    expect(received).toMatchObject({ status: 'rejected', reason: { code: 'chunk_missing' } });
  });

  it('fails with missing_last_chunk when the tail is cut off', async () => {
    const tap: Tap = (frame, deliver) => {
      const decoded = decodeFrame(frame);
      if (decoded.type === 'chunk' && decoded.last) return;
      deliver(frame);
    };
    const { received } = await transfer([source('a', randomBytes(3 * CHUNK))], { tapToReceiver: tap });
    expect(received).toMatchObject({ status: 'rejected', reason: { code: 'missing_last_chunk' } });
  });

  it('fails key confirmation on both sides when the two ends saw different DTLS fingerprints', async () => {
    let manifestSeen = false;
    const tap: Tap = (frame, deliver) => {
      if (decodeFrame(frame).type === 'manifest') manifestSeen = true;
      deliver(frame);
    };
    const swapped = confirmationTranscript('session-under-test-000', ['sha-256 ee:ff'], ['sha-256 cc:dd']);
    const { sent, received } = await transfer([source('a', randomBytes(10))], { tapToReceiver: tap, receiverTranscript: swapped });
    expect(received).toMatchObject({ status: 'rejected', reason: { code: 'not_authentic' } });
    expect(sent).toMatchObject({ status: 'rejected', reason: { code: 'not_authentic' } });
    expect(manifestSeen).toBe(false);
  });

  it('refuses a receiver holding another key before any chunk is accepted', async () => {
    const { sent, received } = await transfer([source('a', randomBytes(10))], { receiverKey: generateLinkKey() });
    expect(received).toMatchObject({ status: 'rejected', reason: { code: 'frame_auth_failed' } });
    expect(sent.status).toBe('rejected');
  });

  // Issue 17. SendSession takes its paths as given (the sender's check is in
  // lib/transfer/selection.ts, bypassed here): it stands for a forged or modified sender.
  it.each([
    ['a/\u202Etxt.exe', /path 'a\/\\u202Etxt\.exe' has a bidi or invisible format character \(U\+202E\)/],
    ['．．／x', /NFKC/],
    ['docs/CON.txt', /Windows/],
    ['notes.', /ending in a dot/],
  ])('fails both sides with manifest_invalid when the manifest names %j, before any chunk', async (path, why) => {
    const kinds: string[] = [];
    const tap: Tap = (frame, deliver) => {
      kinds.push(decodeFrame(frame).type);
      deliver(frame);
    };
    const { sent, received } = await transfer([source(path, randomBytes(10))], { tapToReceiver: tap });
    expect(received).toMatchObject({ status: 'rejected', reason: { code: 'manifest_invalid', message: expect.stringMatching(why) } });
    // The receiver's error frame reaches the sender, which reports the same code.
    expect(sent).toMatchObject({ status: 'rejected', reason: { code: 'manifest_invalid', message: expect.stringMatching(why) } });
    expect((sent as PromiseRejectedResult).reason.message).not.toMatch(/[\u202E\uFF0E]/);
    expect(kinds).not.toContain('chunk');
  });

  it('fails both sides with manifest_invalid when two paths differ only in case', async () => {
    const { sent, received } = await transfer([source('Docs/a', randomBytes(3)), source('docs/a', randomBytes(3))]);
    expect(received).toMatchObject({ status: 'rejected', reason: { code: 'manifest_invalid', message: expect.stringContaining("path 'docs/a'") } });
    expect(sent).toMatchObject({ status: 'rejected', reason: { code: 'manifest_invalid' } });
  });
});
