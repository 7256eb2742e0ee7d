import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../../lib/protocol/messages';
import { initialReceiverState, receiverTransition, type ReceiverEvent, type ReceiverState } from '../../../lib/transfer/receiver-machine';

const CHUNK = 1024;
const A = 'A'.repeat(22);
const B = 'B'.repeat(22);
const manifest: Manifest = {
  transferId: 'T'.repeat(22),
  chunkSize: CHUNK,
  files: [
    { fileId: A, name: 'a', path: 'a', size: 2 * CHUNK + 10, type: '', lastModified: 0 },
    { fileId: B, name: 'b', path: 'b', size: 0, type: '', lastModified: 0 },
  ],
};

function run(events: ReceiverEvent[]): ReceiverState {
  return events.reduce(receiverTransition, initialReceiverState);
}
const chunk = (fileId: string, size: number, last = false): ReceiverEvent => ({ type: 'chunk', fileId, size, last });
const fileA = [chunk(A, CHUNK), chunk(A, CHUNK), chunk(A, 10, true)];

describe('receiver state machine', () => {
  it('walks manifest → chunks → file-end → verified for each file, then done', () => {
    const state = run([
      { type: 'manifest', manifest },
      ...fileA,
      { type: 'file-end', fileId: A },
      { type: 'file-verified', fileId: A },
      chunk(B, 0, true),
      { type: 'file-end', fileId: B },
      { type: 'file-verified', fileId: B },
    ]);
    expect(state.phase).toBe('done');
  });

  const violations: [string, ReceiverEvent[], string][] = [
    ['a chunk before the manifest', [chunk(A, CHUNK)], 'protocol_violation'],
    ['a second manifest', [{ type: 'manifest', manifest }, { type: 'manifest', manifest }], 'protocol_violation'],
    ['a chunk of an unknown file', [{ type: 'manifest', manifest }, chunk('C'.repeat(22), CHUNK)], 'unknown_file'],
    ['a chunk of the next file', [{ type: 'manifest', manifest }, chunk(B, 0, true)], 'protocol_violation'],
    ['a short inner chunk', [{ type: 'manifest', manifest }, chunk(A, CHUNK - 1)], 'chunk_size_invalid'],
    ['an oversized chunk', [{ type: 'manifest', manifest }, chunk(A, CHUNK + 1)], 'chunk_size_invalid'],
    ['a last chunk too early (truncated file)', [{ type: 'manifest', manifest }, chunk(A, CHUNK), chunk(A, 10, true)], 'size_mismatch'],
    ['an inner chunk reaching the end', [{ type: 'manifest', manifest }, chunk(A, CHUNK), chunk(A, CHUNK), chunk(A, CHUNK)], 'chunk_size_invalid'],
    ['an empty last chunk of a non-empty file', [{ type: 'manifest', manifest }, chunk(A, CHUNK), chunk(A, CHUNK), chunk(A, 0, true)], 'chunk_size_invalid'],
    ['a chunk after the last', [{ type: 'manifest', manifest }, ...fileA, chunk(A, 10, true)], 'chunk_after_last'],
    ['file-end before the last chunk', [{ type: 'manifest', manifest }, chunk(A, CHUNK), { type: 'file-end', fileId: A }], 'missing_last_chunk'],
    ['a chunk while verifying', [{ type: 'manifest', manifest }, ...fileA, { type: 'file-end', fileId: A }, chunk(A, 1)], 'protocol_violation'],
  ];
  for (const [name, events, code] of violations) {
    it(`rejects ${name} with ${code}`, () => {
      expect(() => run(events)).toThrow(expect.objectContaining({ code }));
    });
  }
});
