import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CreateSessionRequestSchema } from '../../../lib/protocol/api';
import { AckSchema, ErrorBodySchema, FileEndSchema, ManifestSchema, RequestSchema } from '../../../lib/protocol/messages';
import { EnvelopeSchema, JoinRequestSchema, PeerLeftSchema, SignalPlaintextSchema, SignalRequestSchema } from '../../../lib/protocol/signaling';

const id22 = 'A'.repeat(22);
const fileId = 'B'.repeat(22);
const goodFile = { fileId, name: 'a.txt', path: 'docs/a.txt', size: 3, type: 'text/plain', lastModified: 0 };
const otherFile = { ...goodFile, fileId: 'C'.repeat(22) };
const goodManifest = { transferId: id22, chunkSize: 65536, files: [goodFile] };
const goodEnvelope = { type: 'offer', nonce: 'C'.repeat(16), ct: 'D'.repeat(40) };

// Each schema: one valid value, then values that must all be refused.
const cases: [string, z.ZodType, unknown, unknown[]][] = [
  ['JoinRequest', JoinRequestSchema, { sessionId: id22, role: 'receiver' }, [
    null, 'x', {}, { sessionId: id22 }, { sessionId: id22, role: 'spy' }, { sessionId: 'A'.repeat(21), role: 'sender' },
    { sessionId: id22 + '!', role: 'sender' }, { sessionId: id22, role: 'sender', senderToken: 'short' }, { sessionId: id22, role: 'receiver', extra: 1 },
  ]],
  ['Envelope', EnvelopeSchema, goodEnvelope, [
    { ...goodEnvelope, type: 'bye' }, { ...goodEnvelope, nonce: 'short' }, { ...goodEnvelope, ct: 'has spaces in it here and there' },
    { ...goodEnvelope, ct: '' }, { ...goodEnvelope, sdp: 'v=0' }, { type: 'offer' },
  ]],
  ['SignalRequest', SignalRequestSchema, { to: 'E'.repeat(16), envelope: goodEnvelope }, [
    { to: 'E'.repeat(15), envelope: goodEnvelope }, { to: 'E'.repeat(16) }, { to: 5, envelope: goodEnvelope },
  ]],
  ['SignalPlaintext', SignalPlaintextSchema, { type: 'ice', seq: 1, data: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } }, [
    { type: 'offer', seq: -1, data: { sdp: 'v=0', dh: 'B'.repeat(87) } }, { type: 'offer', seq: 0, data: { sdp: 'x'.repeat(10_001), dh: 'B'.repeat(87) } },
    { type: 'offer', seq: 0, data: { sdp: 'v=0' } }, { type: 'answer', seq: 0, data: { sdp: 'v=0', dh: 'B'.repeat(86) } },
    { type: 'answer', seq: 0, data: { sdp: 'v=0', dh: 'B'.repeat(86) + '=' } },
    { type: 'answer', seq: 0 }, { type: 'ice', seq: 0, data: { candidate: 5 } }, { type: 'hello', seq: 0, data: {} },
  ]],
  ['Manifest', ManifestSchema, goodManifest, [
    { ...goodManifest, files: [] }, { ...goodManifest, chunkSize: 10 }, { ...goodManifest, chunkSize: 1 << 20 },
    { ...goodManifest, files: [goodFile, goodFile] }, { ...goodManifest, files: [{ ...goodFile, name: '../etc/passwd' }] },
    { ...goodManifest, files: [{ ...goodFile, name: 'a\\b' }] }, { ...goodManifest, files: [{ ...goodFile, name: 'nul\u0000' }] },
    { ...goodManifest, files: [{ ...goodFile, name: '' }] }, { ...goodManifest, files: [{ ...goodFile, size: -1 }] },
    { ...goodManifest, files: [{ ...goodFile, size: 1.5 }] }, { ...goodManifest, files: [{ ...goodFile, name: 'x'.repeat(256) }] },
    { ...goodManifest, extra: true }, { ...goodManifest, files: [{ ...goodFile, path: '../a.txt' }] },
    { ...goodManifest, files: [{ ...goodFile, path: '/docs/a.txt' }] }, { ...goodManifest, files: [{ ...goodFile, path: 'docs/b.txt' }] },
    { ...goodManifest, files: [{ ...goodFile, path: undefined }] }, { ...goodManifest, files: [goodFile, otherFile] },
    { ...goodManifest, files: [goodFile, { ...otherFile, name: 'docs', path: 'docs' }] },
  ]],
  ['Request', RequestSchema, { files: [{ fileId, fromIndex: 0 }] }, [{ files: [{ fileId, fromIndex: -1 }] }, { files: [{ fileId: 'x', fromIndex: 0 }] }, {}]],
  ['FileEnd', FileEndSchema, { fileId, sha256: 'a'.repeat(64) }, [{ fileId, sha256: 'A'.repeat(64) }, { fileId, sha256: 'a'.repeat(63) }, { fileId }]],
  ['Ack', AckSchema, { fileId, received: 10, verified: false }, [{ fileId, received: -1, verified: false }, { fileId, received: 1 }]],
  ['ErrorBody', ErrorBodySchema, { code: 'hash_mismatch', message: 'x' }, [{ code: 'made_up', message: 'x' }, { code: 'hash_mismatch', message: 'x'.repeat(501) }]],
  ['CreateSessionRequest', CreateSessionRequestSchema, {}, [{ a: 1 }, [], 'x', null]],
  ['CreateSessionRequest with a limit', CreateSessionRequestSchema, { maxReceivers: 8 }, [
    { maxReceivers: 0 }, { maxReceivers: 9 }, { maxReceivers: 1.5 }, { maxReceivers: '2' }, { maxReceivers: null }, { maxReceivers: -1 },
  ]],
  ['SignalPlaintext abort', SignalPlaintextSchema, { type: 'abort', seq: 0, data: { code: 'full' } }, [
    { type: 'abort', seq: 0, data: { code: 'made_up' } }, { type: 'abort', seq: 0, data: { code: 'rate_limited' } }, { type: 'abort', seq: 0, data: {} },
  ]],
  // Resume (protocol §6): the receiver's sealed request for a new offer, and its token in the answer.
  ['SignalPlaintext reconnect', SignalPlaintextSchema, { type: 'reconnect', seq: 3, data: { token: id22, attempt: 2 } }, [
    { type: 'reconnect', seq: 3, data: { token: id22 } }, { type: 'reconnect', seq: 3, data: { token: id22, attempt: 0 } },
    { type: 'reconnect', seq: 3, data: { token: id22, attempt: 101 } }, { type: 'reconnect', seq: 3, data: { token: 'short', attempt: 1 } },
    { type: 'reconnect', seq: 3, data: { token: id22, attempt: 1, extra: 1 } },
  ]],
  ['SignalPlaintext answer with token', SignalPlaintextSchema, { type: 'answer', seq: 1, data: { sdp: 'v=0', dh: 'A'.repeat(87), token: id22 } }, [
    { type: 'answer', seq: 1, data: { sdp: 'v=0', dh: 'A'.repeat(87), token: 'x'.repeat(23) } },
    { type: 'answer', seq: 1, data: { sdp: 'v=0', dh: 'A'.repeat(87), token: 7 } },
  ]],
  ['JoinRequest rejoin', JoinRequestSchema, { sessionId: id22, role: 'receiver', rejoin: true }, [
    { sessionId: id22, role: 'receiver', rejoin: false }, { sessionId: id22, role: 'receiver', rejoin: 'yes' },
  ]],
  ['PeerLeft', PeerLeftSchema, { peerId: 'p'.repeat(16), role: 'sender', reason: 'lost' }, [{ peerId: 'p'.repeat(16), role: 'sender', reason: 'gone' }]],
  ['Manifest epoch', ManifestSchema, { ...goodManifest, epoch: 3 }, [
    { ...goodManifest, epoch: -1 }, { ...goodManifest, epoch: 1.5 }, { ...goodManifest, epoch: 1_001 }, { ...goodManifest, epoch: '1' },
  ]],
];

describe('zod schemas', () => {
  for (const [name, schema, good, bad] of cases) {
    it(`${name} accepts a valid value`, () => {
      expect(schema.safeParse(good).success).toBe(true);
    });
    it(`${name} rejects ${bad.length} malformed values`, () => {
      for (const value of bad) expect(schema.safeParse(value).success, JSON.stringify(value)?.slice(0, 80)).toBe(false);
    });
  }
});
