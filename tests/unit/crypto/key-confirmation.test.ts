import { describe, expect, it } from 'vitest';
import { confirmationMac, confirmationTranscript, verifyConfirmation } from '../../../lib/crypto/key-confirmation';
import { deriveSessionKeys, generateLinkKey } from '../../../lib/crypto/keys';
import { certificateFingerprint, sdpFingerprints } from '../../../lib/rtc/fingerprints';

const SESSION = 'S'.repeat(22);
const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:sha-256 AB:CD:EF\r\na=setup:actpass\r\n';

describe('key confirmation', () => {
  it('reads DTLS fingerprints from an SDP', () => {
    expect(sdpFingerprints(SDP)).toEqual(['sha-256 ab:cd:ef']);
    expect(sdpFingerprints('v=0\r\n')).toEqual([]);
  });

  it('fingerprints a DER certificate the way SDP writes it, to compare with the pinned one', async () => {
    // SHA-256 of the three bytes "abc" (FIPS 180-2 test vector).
    expect(await certificateFingerprint(new TextEncoder().encode('abc').buffer as ArrayBuffer)).toBe(
      'sha-256 ba:78:16:bf:8f:01:cf:ea:41:41:40:de:5d:ae:22:23:b0:03:61:a3:96:17:7a:9c:b4:10:ff:61:f2:00:15:ad',
    );
  });

  it('verifies the peer MAC over the same transcript, whatever the fingerprint case', async () => {
    const keys = await deriveSessionKeys(generateLinkKey(), SESSION);
    const t1 = confirmationTranscript(SESSION, ['sha-256 AB:CD'], ['sha-256 12:34']);
    const t2 = confirmationTranscript(SESSION, ['sha-256 ab:cd'], ['sha-256 12:34']);
    await verifyConfirmation(keys, 'sender', t2, await confirmationMac(keys, 'sender', t1));
  });

  it('fails with not_authentic for another key, another role, swapped or altered fingerprints', async () => {
    const K = generateLinkKey();
    const keys = await deriveSessionKeys(K, SESSION);
    const transcript = confirmationTranscript(SESSION, ['sha-256 ab:cd'], ['sha-256 12:34']);
    const mac = await confirmationMac(keys, 'sender', transcript);
    const other = await deriveSessionKeys(generateLinkKey(), SESSION);
    const attempts = [
      () => verifyConfirmation(other, 'sender', transcript, mac),
      () => verifyConfirmation(keys, 'receiver', transcript, mac),
      () => verifyConfirmation(keys, 'sender', confirmationTranscript(SESSION, ['sha-256 12:34'], ['sha-256 ab:cd']), mac),
      () => verifyConfirmation(keys, 'sender', confirmationTranscript(SESSION, ['sha-256 ab:ce'], ['sha-256 12:34']), mac),
      () => verifyConfirmation(keys, 'sender', transcript, 'not*base64'),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toMatchObject({ code: 'not_authentic' });
  });
});
