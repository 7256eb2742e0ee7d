import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../../../lib/protocol/base64url';
import { openControlFrame, openSignal, sealControlFrame, sealSignal } from '../../../lib/crypto/envelope';
import { decodeLinkKey, deriveSessionKeys, encodeLinkKey, generateLinkKey } from '../../../lib/crypto/keys';
import { decodeFrame, type ControlFrame } from '../../../lib/protocol/frames';
import type { SignalPlaintext } from '../../../lib/protocol/signaling';

const SESSION = 'S'.repeat(22);
const route = { from: 'F'.repeat(16), to: 'T'.repeat(16) };
const offer: SignalPlaintext = { type: 'offer', seq: 0, data: { sdp: 'v=0\r\na=fingerprint:sha-256 AA:BB', dh: 'B'.repeat(87) } };

describe('link key', () => {
  it('round-trips through its base64url form and refuses anything but 32 bytes', () => {
    const key = generateLinkKey();
    expect(encodeLinkKey(key)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(decodeLinkKey(encodeLinkKey(key))).toEqual(key);
    for (const bad of ['', 'abc', encodeLinkKey(key).slice(1), encodeLinkKey(key) + 'A', '!'.repeat(43)]) {
      expect(() => decodeLinkKey(bad)).toThrow(expect.objectContaining({ code: 'key_invalid' }));
    }
  });
  it('base64url is canonical', () => {
    expect(toBase64Url(Uint8Array.of(255, 254))).toBe('__4');
    expect(() => fromBase64Url('__5')).toThrow();
  });
});

describe('sealed signaling envelopes', () => {
  it('open with the same key and route', async () => {
    const keys = await deriveSessionKeys(generateLinkKey(), SESSION);
    const envelope = await sealSignal(keys, route, offer);
    expect(envelope.ct).not.toContain('fingerprint');
    expect(await openSignal(keys, route, envelope)).toEqual(offer);
  });

  it('fail with envelope_invalid under another key, session, route, type, or when altered', async () => {
    const K = generateLinkKey();
    const keys = await deriveSessionKeys(K, SESSION);
    const envelope = await sealSignal(keys, route, offer);
    const flipped = fromBase64Url(envelope.ct);
    flipped[0]! ^= 1;
    const otherKey = await deriveSessionKeys(generateLinkKey(), SESSION);
    const otherSession = await deriveSessionKeys(K, 'X'.repeat(22));
    // Thunks, so no rejection exists before its expectation awaits it.
    const attempts = [
      () => openSignal(otherKey, route, envelope),
      () => openSignal(otherSession, route, envelope),
      () => openSignal(keys, { from: route.to, to: route.from }, envelope),
      () => openSignal(keys, route, { ...envelope, type: 'answer' }),
      () => openSignal(keys, route, { ...envelope, ct: toBase64Url(flipped) }),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toMatchObject({ code: 'envelope_invalid' });
  });
});

describe('sealed control frames', () => {
  it('open only in the direction they were sealed for', async () => {
    const keys = await deriveSessionKeys(generateLinkKey(), SESSION);
    const frame = decodeFrame(await sealControlFrame(keys, 'manifest', 'sender-to-receiver', { hello: 1 })) as ControlFrame;
    expect(await openControlFrame(keys, frame, 'sender-to-receiver')).toEqual({ hello: 1 });
    await expect(openControlFrame(keys, frame, 'receiver-to-sender')).rejects.toMatchObject({ code: 'frame_auth_failed' });
    await expect(openControlFrame(keys, { ...frame, type: 'file-end' }, 'sender-to-receiver')).rejects.toMatchObject({
      code: 'frame_auth_failed',
    });
  });
});
