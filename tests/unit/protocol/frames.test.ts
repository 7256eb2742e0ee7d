import { describe, expect, it } from 'vitest';
import { CHUNK_FRAME_OVERHEAD, CHUNK_HEADER_BYTES, decodeFrame, encodeChunkFrame, encodeControlFrame, FRAME_TYPES } from '../../../lib/protocol/frames';

describe('frame codec', () => {
  const fileId = Uint8Array.from({ length: 16 }, (_, i) => i + 1);

  it('round-trips a chunk frame with its header fields', () => {
    const ct = new Uint8Array(40).fill(9);
    const frame = encodeChunkFrame(fileId, 0x01020304, true, ct);
    expect(frame.length).toBe(CHUNK_FRAME_OVERHEAD - 16 + 40);
    expect([...frame.subarray(17, 22)]).toEqual([1, 2, 3, 4, 1]);
    const decoded = decodeFrame(frame);
    expect(decoded).toMatchObject({ type: 'chunk', index: 0x01020304, last: true });
    if (decoded.type !== 'chunk') throw new Error('not a chunk');
    expect([...decoded.fileId]).toEqual([...fileId]);
    expect([...decoded.ciphertext]).toEqual([...ct]);
  });

  it('round-trips every control frame type', () => {
    for (const type of ['hello', 'manifest', 'request', 'file-end', 'ack', 'error', 'cancel'] as const) {
      const frame = encodeControlFrame(type, new Uint8Array(12).fill(1), new Uint8Array(20).fill(2));
      expect(frame[0]).toBe(FRAME_TYPES[type]);
      expect(decodeFrame(frame)).toMatchObject({ type, nonce: new Uint8Array(12).fill(1), ciphertext: new Uint8Array(20).fill(2) });
    }
  });

  it('decodes a frame that sits at an offset inside a larger buffer', () => {
    const frame = encodeChunkFrame(fileId, 7, false, new Uint8Array(16));
    const padded = new Uint8Array(frame.length + 3);
    padded.set(frame, 3);
    expect(decodeFrame(padded.subarray(3))).toMatchObject({ type: 'chunk', index: 7, last: false });
  });

  const malformed: [string, Uint8Array][] = [
    ['an empty frame', new Uint8Array(0)],
    ['an unknown type byte', Uint8Array.of(0, 1, 2)],
    ['type 255', new Uint8Array(64).fill(255)],
    ['a truncated chunk header', Uint8Array.of(FRAME_TYPES.chunk, 1, 2, 3)],
    ['a chunk without a full tag', new Uint8Array(CHUNK_FRAME_OVERHEAD - 1).fill(0).map((_, i) => (i === 0 ? FRAME_TYPES.chunk : 0))],
    ['a last flag of 2', (() => { const f = encodeChunkFrame(fileId, 0, false, new Uint8Array(16)); f[21] = 2; return f; })()],
    ['a control frame shorter than nonce and tag', Uint8Array.of(FRAME_TYPES.manifest, 1, 2, 3)],
  ];
  for (const [name, bytes] of malformed) {
    it(`rejects ${name} as frame_malformed`, () => {
      expect(() => decodeFrame(bytes)).toThrow(expect.objectContaining({ code: 'frame_malformed' }));
    });
  }
});

describe('encodeChunkFrame into a reused buffer', () => {
  it('builds the same frame as a fresh one, in the buffer given, for a full and a shorter last chunk', () => {
    const fileId = new Uint8Array(16).fill(7);
    const buffer = new Uint8Array(CHUNK_HEADER_BYTES + 100);
    for (const [index, length, last] of [[3, 100, false], [4, 40, true]] as const) {
      const ciphertext = Uint8Array.from({ length }, (_, i) => (i * 13 + index) & 0xff);
      const frame = encodeChunkFrame(fileId, index, last, ciphertext, buffer);
      expect(frame.buffer).toBe(buffer.buffer);
      expect(Buffer.from(frame).equals(Buffer.from(encodeChunkFrame(fileId, index, last, ciphertext)))).toBe(true);
    }
  });

  it('falls back to a fresh buffer when the one given is too small', () => {
    const frame = encodeChunkFrame(new Uint8Array(16), 0, true, new Uint8Array(50), new Uint8Array(10));
    expect(frame.length).toBe(CHUNK_HEADER_BYTES + 50);
  });
});
