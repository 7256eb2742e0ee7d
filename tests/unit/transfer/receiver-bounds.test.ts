import { describe, expect, it } from 'vitest';
import { confirmationTranscript } from '../../../lib/crypto/key-confirmation';
import { deriveSessionKeys, generateLinkKey } from '../../../lib/crypto/keys';
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { randomBytes } from '../../../lib/crypto/webcrypto';
import { CHUNK_FRAME_OVERHEAD, FRAME_TYPES } from '../../../lib/protocol/frames';
import { MAX_CHUNK_SIZE } from '../../../lib/protocol/messages';
import { createMemorySink } from '../../../lib/storage/memory-sink';
import type { FileSink } from '../../../lib/storage/file-sink';
import { FLOW_WINDOW_BYTES, FlowWindow } from '../../../lib/transfer/flow-window';
import { MAX_QUEUED_CONTROL_BYTES, MAX_UNACKED_BYTES, ReceiveSession } from '../../../lib/transfer/receive-session';
import { SendSession } from '../../../lib/transfer/send-session';
import { memoryFileSource } from '../../support/memory-file-source';
import { memoryPortPair } from '../../support/memory-port';

// A sender that ignores the flow window must not be able to grow a receiver's memory:
// the receiver counts chunk bytes as they arrive, before any queue, against what it has
// acknowledged as written, and fails at twice the window.

const MiB = 1024 * 1024;
const transcript = confirmationTranscript('session-under-test-000', ['sha-256 aa:bb'], ['sha-256 cc:dd']);

/** A sink whose writes finish only when the test says so: a disk that stalls. */
function stalledSink(file: Parameters<typeof createMemorySink>[0]): FileSink & { release(): void } {
  const inner = createMemorySink(file);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return { ...inner, write: async (bytes) => gate.then(() => inner.write(bytes)), release };
}

async function pair(window: FlowWindow | undefined, fileBytes: number, sinkFor: (file: Parameters<typeof createMemorySink>[0]) => FileSink) {
  const keys = await deriveSessionKeys(generateLinkKey(), 'session-under-test-000');
  let chunkBytesDelivered = 0;
  let chunkBytesWhenFailed: number | null = null;
  const ports = memoryPortPair((frame, deliver) => {
    if (frame[0] === FRAME_TYPES.chunk) chunkBytesDelivered += frame.length - CHUNK_FRAME_OVERHEAD;
    deliver(frame);
  });
  const data = new Uint8Array(nodeRandomBytes(fileBytes));
  const sender = new SendSession({ keys, port: ports.a, transcript, files: [memoryFileSource('big.bin', data)], chunkSize: MAX_CHUNK_SIZE, window });
  const receiver = new ReceiveSession({ keys, port: ports.b, transcript, createSink: async (file) => sinkFor(file) });
  receiver.done.catch(() => (chunkBytesWhenFailed ??= chunkBytesDelivered));
  ports.onReceiveA((f) => sender.receive(f));
  ports.onReceiveB((f) => receiver.receive(f));
  const [sent, received] = await Promise.allSettled([sender.run(), receiver.done]);
  return { sent, received, chunkBytesWhenFailed: () => chunkBytesWhenFailed };
}

// Each case moves tens of MiB through AES-GCM and SHA-256: seconds on a loaded 2-core machine.
describe('a receiver bounds what a sender may leave unacknowledged', { timeout: 30_000 }, () => {
  it('fails both sides with protocol_violation when the sender ignores the window, before holding more than twice it', async () => {
    const sinks: ReturnType<typeof stalledSink>[] = [];
    const ignoresWindow = new FlowWindow(Number.MAX_SAFE_INTEGER);
    const run = await pair(ignoresWindow, MAX_UNACKED_BYTES + 4 * MiB, (file) => {
      const sink = stalledSink(file);
      sinks.push(sink);
      return sink;
    });
    expect(run.received).toMatchObject({ status: 'rejected', reason: { code: 'protocol_violation' } });
    expect(String((run.received as PromiseRejectedResult).reason.message)).toMatch(/ignored the flow window/);
    expect(run.sent).toMatchObject({ status: 'rejected', reason: { code: 'protocol_violation' } });
    // The disk never wrote a byte, so nothing was acknowledged: the receiver stopped at the bound.
    const held = run.chunkBytesWhenFailed()!;
    expect(held).toBeGreaterThan(MAX_UNACKED_BYTES);
    expect(held).toBeLessThanOrEqual(MAX_UNACKED_BYTES + MAX_CHUNK_SIZE);
    for (const sink of sinks) sink.release();
  });

  it('lets an honest sender through a receiver whose disk is slower than the link', async () => {
    let writes = 0;
    const run = await pair(undefined, 2 * FLOW_WINDOW_BYTES + 3 * MiB, (file) => {
      const inner = createMemorySink(file);
      // Every few writes the disk pauses: chunks pile up to the window, never past it.
      const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 5));
      return { ...inner, write: async (bytes) => (++writes % 8 === 0 ? pause() : Promise.resolve()).then(() => inner.write(bytes)) };
    });
    expect(run.sent, String((run.sent as PromiseRejectedResult).reason)).toMatchObject({ status: 'fulfilled' });
    expect(run.received.status).toBe('fulfilled');
  });

  it('refuses a flood of control frames while the receiver waits for the person to choose where files go', async () => {
    const keys = await deriveSessionKeys(generateLinkKey(), 'session-under-test-000');
    const ports = memoryPortPair();
    let manifestArrived!: () => void;
    const waiting = new Promise<void>((resolve) => (manifestArrived = resolve));
    const sender = new SendSession({ keys, port: ports.a, transcript, files: [memoryFileSource('a.bin', randomBytes(1000))], chunkSize: MAX_CHUNK_SIZE });
    const receiver = new ReceiveSession({
      keys,
      port: ports.b,
      transcript,
      createSink: async (file) => createMemorySink(file),
      // The decision never comes: frames behind the manifest wait.
      onManifest: () => {
        manifestArrived();
        return new Promise(() => {});
      },
    });
    ports.onReceiveA((f) => sender.receive(f));
    ports.onReceiveB((f) => receiver.receive(f));
    void sender.run().catch(() => {});
    await waiting;
    const junk = new Uint8Array(64 * 1024).fill(0);
    junk[0] = FRAME_TYPES.manifest;
    for (let sent = 0; sent <= MAX_QUEUED_CONTROL_BYTES; sent += junk.length) receiver.receive(junk.slice());
    await expect(receiver.done).rejects.toMatchObject({ code: 'protocol_violation', message: expect.stringMatching(/control frames/) });
  });
});
