import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../../lib/protocol/base64url';
import { PakeMessageSchema } from '../../../lib/protocol/pake';

const b64 = (n: number, fill = 7) => toBase64Url(new Uint8Array(n).fill(fill));
const share = b64(32);
const tag = b64(32, 9);
const sealed = b64(48);

describe('code-exchange message schemas', () => {
  it.each([
    { t: 'pake-a', share },
    { t: 'pake-b', share },
    { t: 'pake-confirm', tag },
    { t: 'pake-result', ok: false },
    { t: 'pake-key', tag, sealed },
  ])('accepts %j', (message) => {
    expect(PakeMessageSchema.parse(message)).toEqual(message);
  });

  // 32 bytes are 43 characters whose last one carries 4 bits: 'B' sets a padding bit.
  const nonCanonical = share.slice(0, 42) + 'B';

  it.each([
    ['not an object', 'pake-a'],
    ['an unknown type', { t: 'pake-c', share }],
    ['a missing field', { t: 'pake-a' }],
    ['an extra field', { t: 'pake-a', share, ad: '' }],
    ['a short share', { t: 'pake-a', share: b64(31) }],
    ['a long share', { t: 'pake-b', share: b64(33) }],
    ['a padded share', { t: 'pake-a', share: share + '=' }],
    ['a non-canonical share', { t: 'pake-a', share: nonCanonical }],
    ['standard base64 characters', { t: 'pake-a', share: '+' + share.slice(1) }],
    ['a share that is no string', { t: 'pake-a', share: 32 }],
    ['a short tag', { t: 'pake-confirm', tag: b64(16) }],
    ['ok: true', { t: 'pake-result', ok: true }],
    ['a reason on the refusal', { t: 'pake-result', ok: false, reason: 'wrong' }],
    ['a short sealed key', { t: 'pake-key', tag, sealed: b64(32) }],
    ['a long sealed key', { t: 'pake-key', tag, sealed: b64(64) }],
    ['a pake-key without its tag', { t: 'pake-key', sealed }],
  ])('rejects %s', (_, message) => {
    expect(PakeMessageSchema.safeParse(message).success).toBe(false);
  });
});
