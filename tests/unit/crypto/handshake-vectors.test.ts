import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { openControlFrame, openSignal, sealControlFrame, sealSignal } from '../../../lib/crypto/envelope';
import { confirmationMac, confirmationTranscript, verifyConfirmation } from '../../../lib/crypto/key-confirmation';
import { decodeFrame, type ControlFrame, type ControlFrameType } from '../../../lib/protocol/frames';
import { AckSchema, ErrorBodySchema, FileEndSchema, HelloSchema, ManifestSchema, RequestSchema } from '../../../lib/protocol/messages';
import { EnvelopeSchema, type SignalPlaintext } from '../../../lib/protocol/signaling';
import { projectConnection } from '../../support/vector-connection';
import { openControlFrame as referenceOpenFrame, sealControlFrame as referenceSealFrame } from '../../vectors/reference/control-frame';
import { openEnvelope, sealEnvelope } from '../../vectors/reference/envelope';
import type { HandshakeVectorSuite } from '../../vectors/vector-format';

// lib/ against the reference implementation's envelopes, control frames and key
// confirmation (tests/vectors/handshake-vectors.json): lib opens what the reference sealed,
// and what lib seals under a random nonce the reference seals identically under that nonce.

const suite = JSON.parse(readFileSync(new URL('../../vectors/handshake-vectors.json', import.meta.url), 'utf8')) as HandshakeVectorSuite;
const { connection, confirmation } = suite;
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const hex = (data: Uint8Array) => Buffer.from(data).toString('hex');
const sides = projectConnection(connection);
/** lib keys of the page that seals and of the page that opens, the sender's first or not. */
const ends = async (fromSender: boolean) => {
  const { sender, receiver } = await sides;
  return fromSender ? { sealer: sender.keys, opener: receiver.keys } : { sealer: receiver.keys, opener: sender.keys };
};

const BODY_SCHEMAS: Record<ControlFrameType, z.ZodType> = {
  hello: HelloSchema,
  manifest: ManifestSchema,
  request: RequestSchema,
  'file-end': FileEndSchema,
  ack: AckSchema,
  error: ErrorBodySchema,
  cancel: ErrorBodySchema,
};

describe('signaling envelopes (handshake-vectors.json)', () => {
  for (const vector of suite.envelopes) {
    const route = { from: vector.from, to: vector.to };
    const referenceRoute = { sessionId: connection.sessionId, ...route };
    const message = JSON.parse(vector.plaintext) as SignalPlaintext;
    const fromSender = vector.from === suite.peers.sender;

    it(`${vector.name}: lib opens the reference's envelope`, async () => {
      const envelope = EnvelopeSchema.parse(vector.envelope);
      expect(await openSignal((await ends(fromSender)).opener, route, envelope)).toEqual(message);
    });

    it(`${vector.name}: lib seals what the reference seals under the same nonce`, async () => {
      const envelope = await sealSignal((await ends(fromSender)).sealer, route, message);
      const nonce = Buffer.from(envelope.nonce, 'base64url');
      expect(sealEnvelope(bytes(connection.k_sig), referenceRoute, message, nonce)).toEqual(envelope);
      expect(openEnvelope(bytes(connection.k_sig), referenceRoute, envelope)).toBe(vector.plaintext);
    });
  }
});

describe('control frames (handshake-vectors.json)', () => {
  for (const vector of suite.controlFrames) {
    const body: unknown = JSON.parse(vector.body);
    const fromSender = vector.direction === 'sender-to-receiver';

    it(`${vector.name}: is a valid ${vector.type} body, and lib opens the reference's frame to it`, async () => {
      expect(BODY_SCHEMAS[vector.type].safeParse(body).success).toBe(true);
      const frame = decodeFrame(bytes(vector.frame)) as ControlFrame;
      expect(frame.type).toBe(vector.type);
      expect(await openControlFrame((await ends(fromSender)).opener, frame, vector.direction)).toEqual(body);
    });

    it(`${vector.name}: lib seals what the reference seals under the same nonce`, async () => {
      const frame = await sealControlFrame((await ends(fromSender)).sealer, vector.type, vector.direction, body);
      const nonce = frame.subarray(1, 13);
      const resealed = referenceSealFrame(bytes(connection.k_ctrl), connection.sessionId, vector.type, vector.direction, body, nonce);
      expect(hex(resealed)).toBe(hex(frame));
      expect(referenceOpenFrame(bytes(connection.k_ctrl), connection.sessionId, vector.direction, frame)).toEqual({ type: vector.type, body: vector.body });
    });
  }
});

describe('key confirmation (handshake-vectors.json)', () => {
  const transcript = () => confirmationTranscript(connection.sessionId, confirmation.senderFingerprints, confirmation.receiverFingerprints);

  it('lib builds the same transcript from the SDP fingerprints', () => {
    expect(new TextDecoder().decode(transcript())).toBe(confirmation.transcript);
  });

  it('lib computes both MACs the reference computes, and each side verifies the other', async () => {
    const { sender, receiver } = await sides;
    expect(await confirmationMac(sender.keys, 'sender', transcript())).toBe(confirmation.senderMac);
    expect(await confirmationMac(receiver.keys, 'receiver', transcript())).toBe(confirmation.receiverMac);
    await verifyConfirmation(receiver.keys, 'sender', transcript(), confirmation.senderMac);
    await verifyConfirmation(sender.keys, 'receiver', transcript(), confirmation.receiverMac);
  });

  it('lib refuses a MAC with one bit flipped (not_authentic)', async () => {
    const { sender, receiver } = await sides;
    const flipped = (mac: string) => {
      const raw = Buffer.from(mac, 'base64url');
      raw[raw.length - 1]! ^= 1;
      return raw.toString('base64url');
    };
    await expect(verifyConfirmation(receiver.keys, 'sender', transcript(), flipped(confirmation.senderMac))).rejects.toMatchObject({ code: 'not_authentic' });
    await expect(verifyConfirmation(sender.keys, 'receiver', transcript(), flipped(confirmation.receiverMac))).rejects.toMatchObject({ code: 'not_authentic' });
  });
});
