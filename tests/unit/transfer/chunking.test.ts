import { describe, expect, it } from 'vitest';
import { CHUNK_FRAME_OVERHEAD } from '../../../lib/protocol/frames';
import { chunkCount, chunkRange, chunkSizeFor } from '../../../lib/transfer/chunking';

describe('chunking', () => {
  it('sizes chunks so a frame fits the negotiated maxMessageSize', () => {
    expect(chunkSizeFor(262_144) + CHUNK_FRAME_OVERHEAD).toBe(262_144);
    expect(chunkSizeFor(65_536) + CHUNK_FRAME_OVERHEAD).toBe(65_536);
    expect(chunkSizeFor(1_073_741_823) + CHUNK_FRAME_OVERHEAD).toBe(262_144);
    expect(chunkSizeFor(Number.POSITIVE_INFINITY) + CHUNK_FRAME_OVERHEAD).toBe(262_144);
    expect(chunkSizeFor(0) + CHUNK_FRAME_OVERHEAD).toBe(262_144);
  });

  it('counts chunks around the boundary; an empty file is one chunk', () => {
    expect(chunkCount(0, 100)).toBe(1);
    expect(chunkCount(1, 100)).toBe(1);
    expect(chunkCount(99, 100)).toBe(1);
    expect(chunkCount(100, 100)).toBe(1);
    expect(chunkCount(101, 100)).toBe(2);
    expect(chunkRange(101, 100, 1)).toEqual({ start: 100, end: 101 });
    expect(chunkRange(0, 100, 0)).toEqual({ start: 0, end: 0 });
  });
});
