import { describe, expect, it } from 'vitest';
import { createEphemeral, ephemeralSecret } from '../../../lib/crypto/ephemeral';
import { openControlFrame, sealControlFrame } from '../../../lib/crypto/envelope';
import { confirmationMac, confirmationTranscript, verifyConfirmation } from '../../../lib/crypto/key-confirmation';
import { deriveConnectionKeys, deriveFileKey, deriveSessionKeys, generateLinkKey } from '../../../lib/crypto/keys';
import { StreamOpener, StreamSealer } from '../../../lib/crypto/stream';
import { randomBytes } from '../../../lib/crypto/webcrypto';
import { decodeFrame } from '../../../lib/protocol/frames';
import type { ControlFrame } from '../../../lib/protocol/frames';

const SESSION = 'F'.repeat(22);

/** Both ends of one connection, each computing its keys from its own view of the exchange. */
async function connection(linkKey: Uint8Array) {
  const [sender, receiver] = await Promise.all([createEphemeral(), createEphemeral()]);
  const senderKeys = await deriveConnectionKeys(linkKey, SESSION, {
    senderPublic: sender.publicKey,
    receiverPublic: receiver.publicKey,
    shared: await ephemeralSecret(sender, receiver.publicKey),
  });
  const receiverKeys = await deriveConnectionKeys(linkKey, SESSION, {
    senderPublic: sender.publicKey,
    receiverPublic: receiver.publicKey,
    shared: await ephemeralSecret(receiver, sender.publicKey),
  });
  return { sender, receiver, senderKeys, receiverKeys };
}

const asControl = (bytes: Uint8Array) => decodeFrame(bytes) as ControlFrame;

describe('forward secrecy (ephemeral ECDH mixed into the connection keys)', () => {
  it('gives both sides the same keys: control frames, confirmation and chunks round-trip', async () => {
    const { senderKeys, receiverKeys } = await connection(generateLinkKey());
    const frame = await sealControlFrame(senderKeys, 'manifest', 'sender-to-receiver', { hello: 1 });
    expect(await openControlFrame(receiverKeys, asControl(frame), 'sender-to-receiver')).toEqual({ hello: 1 });
    const transcript = confirmationTranscript(SESSION, ['sha-256 aa'], ['sha-256 bb']);
    await verifyConfirmation(receiverKeys, 'sender', transcript, await confirmationMac(senderKeys, 'sender', transcript));
    const fileId = randomBytes(16);
    const ct = await new StreamSealer(await deriveFileKey(senderKeys, fileId, 0), fileId).seal(new Uint8Array([1, 2, 3]), true);
    const opened = await new StreamOpener(await deriveFileKey(receiverKeys, fileId, 0), fileId).open(0, true, ct);
    expect([...opened]).toEqual([1, 2, 3]);
  });

  it('a recorded transfer does not open with the link key alone (leaked after the fact)', async () => {
    const K = generateLinkKey();
    const { senderKeys } = await connection(K);
    const fileId = randomBytes(16);
    const recordedChunk = await new StreamSealer(await deriveFileKey(senderKeys, fileId, 0), fileId).seal(new Uint8Array(64), true);
    const recordedManifest = await sealControlFrame(senderKeys, 'manifest', 'sender-to-receiver', { files: [] });

    // Everything an attacker holding K (but not an ephemeral private key) can derive:
    const fromLink = await deriveSessionKeys(K, SESSION);
    await expect(new StreamOpener(await deriveFileKey(fromLink, fileId, 0), fileId).open(0, true, recordedChunk)).rejects.toMatchObject({
      code: 'chunk_auth_failed',
    });
    await expect(openControlFrame(fromLink, asControl(recordedManifest), 'sender-to-receiver')).rejects.toMatchObject({
      code: 'frame_auth_failed',
    });
    // ...nor with K and a fresh exchange of the attacker's own.
    const { receiverKeys: attacker } = await connection(K);
    await expect(openControlFrame(attacker, asControl(recordedManifest), 'sender-to-receiver')).rejects.toMatchObject({
      code: 'frame_auth_failed',
    });
  });

  it('makes new keys for every connection under the same link', async () => {
    const K = generateLinkKey();
    const first = await connection(K);
    const second = await connection(K);
    expect(first.sender.publicKey).not.toBe(second.sender.publicKey);
    const frame = await sealControlFrame(first.senderKeys, 'manifest', 'sender-to-receiver', {});
    await expect(openControlFrame(second.receiverKeys, asControl(frame), 'sender-to-receiver')).rejects.toMatchObject({
      code: 'frame_auth_failed',
    });
  });

  it('a substituted ephemeral key fails key confirmation (not_authentic)', async () => {
    const K = generateLinkKey();
    const { sender, receiver, senderKeys } = await connection(K);
    const mallory = await createEphemeral();
    // The receiver believes mallory's key is the sender's.
    const fooled = await deriveConnectionKeys(K, SESSION, {
      senderPublic: mallory.publicKey,
      receiverPublic: receiver.publicKey,
      shared: await ephemeralSecret(receiver, mallory.publicKey),
    });
    const transcript = confirmationTranscript(SESSION, ['sha-256 aa'], ['sha-256 bb']);
    await expect(verifyConfirmation(fooled, 'sender', transcript, await confirmationMac(senderKeys, 'sender', transcript))).rejects.toMatchObject({
      code: 'not_authentic',
    });
    expect(sender.publicKey).toHaveLength(87);
  });

  it('refuses public keys that are not P-256 points with not_authentic', async () => {
    const own = await createEphemeral();
    const offCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url');
    for (const bad of ['', 'A'.repeat(87), offCurve, own.publicKey.slice(0, 86), '*'.repeat(87)]) {
      await expect(ephemeralSecret(own, bad)).rejects.toMatchObject({ code: 'not_authentic' });
    }
  });
});
