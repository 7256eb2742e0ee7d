import { describe, expect, it } from 'vitest';
import { turnCredential, turnIceServer } from '../../../lib/signaling/turn-credentials';

// The vector was computed outside this code, with
//   printf '%s' '1700003600:b3JhbmdlLXBlZXIx' | openssl dgst -sha1 -hmac 'correct horse battery staple' -binary | base64
const SECRET = 'correct horse battery staple';
const PEER_ID = 'b3JhbmdlLXBlZXIx';

describe('coturn use-auth-secret credentials', () => {
  it('matches an independently computed HMAC-SHA1 vector', () => {
    expect(turnCredential(SECRET, PEER_ID, 1_700_003_600)).toEqual({
      username: '1700003600:b3JhbmdlLXBlZXIx',
      credential: 'ZBw7O0D6c57dKc23a8LE00l/tx8=',
    });
  });

  it('expires ttl seconds from now, whole seconds, and names the peer', () => {
    const settings = { urls: ['turn:turn.example:3478?transport=udp', 'turns:turn.example:5349'], secret: SECRET, ttlSeconds: 3600 };
    const server = turnIceServer(settings, PEER_ID, 1_700_000_000_999);
    expect(server).toEqual({ urls: settings.urls, username: '1700003600:b3JhbmdlLXBlZXIx', credential: 'ZBw7O0D6c57dKc23a8LE00l/tx8=' });
  });

  it('gives every peer, and every secret, its own credential', () => {
    const a = turnCredential(SECRET, PEER_ID, 1_700_003_600);
    expect(turnCredential(SECRET, 'AAAAAAAAAAAAAAAA', 1_700_003_600).credential).not.toBe(a.credential);
    expect(turnCredential(`${SECRET}!`, PEER_ID, 1_700_003_600).credential).not.toBe(a.credential);
    expect(turnCredential(SECRET, PEER_ID, 1_700_003_601).credential).not.toBe(a.credential);
  });
});
