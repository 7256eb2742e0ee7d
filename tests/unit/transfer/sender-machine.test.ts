import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../../lib/protocol/messages';
import { initialSenderState, senderReconnected, senderTransition } from '../../../lib/transfer/sender-machine';

const A = 'A'.repeat(22);
const manifest: Manifest = { transferId: 'T'.repeat(22), chunkSize: 1024, files: [{ fileId: A, name: 'a', path: 'a', size: 5, type: '', lastModified: 0 }] };

describe('sender state machine', () => {
  it('sends after a request and is done when every file is verified', () => {
    let state = senderTransition(initialSenderState(manifest), { type: 'request', request: { files: [{ fileId: A, fromIndex: 0 }] } });
    expect(state.phase).toBe('sending');
    state = senderTransition(state, { type: 'ack', ack: { fileId: A, received: 3, verified: false } });
    expect(state.phase).toBe('sending');
    state = senderTransition(state, { type: 'ack', ack: { fileId: A, received: 5, verified: true } });
    expect(state.phase).toBe('done');
  });

  it('refuses unknown files, duplicate requests, acks before a request and acks beyond the file', () => {
    const start = initialSenderState(manifest);
    expect(() => senderTransition(start, { type: 'request', request: { files: [{ fileId: 'C'.repeat(22), fromIndex: 0 }] } })).toThrow(
      expect.objectContaining({ code: 'unknown_file' }),
    );
    expect(() =>
      senderTransition(start, { type: 'request', request: { files: [{ fileId: A, fromIndex: 0 }, { fileId: A, fromIndex: 0 }] } }),
    ).toThrow(expect.objectContaining({ code: 'protocol_violation' }));
    expect(() => senderTransition(start, { type: 'ack', ack: { fileId: A, received: 1, verified: false } })).toThrow(
      expect.objectContaining({ code: 'protocol_violation' }),
    );
    const sending = senderTransition(start, { type: 'request', request: { files: [{ fileId: A, fromIndex: 0 }] } });
    expect(() => senderTransition(sending, { type: 'ack', ack: { fileId: A, received: 6, verified: false } })).toThrow(
      expect.objectContaining({ code: 'protocol_violation' }),
    );
    expect(() => senderTransition(sending, { type: 'request', request: { files: [] } })).toThrow(
      expect.objectContaining({ code: 'protocol_violation' }),
    );
  });

  it('after a reconnect accepts a later start chunk under the next epoch, and counts files left out as verified', () => {
    const B = 'B'.repeat(22);
    const two: Manifest = { ...manifest, files: [...manifest.files, { fileId: B, name: 'b', path: 'b', size: 3000, type: '', lastModified: 0 }] };
    let state = senderTransition(initialSenderState(two), { type: 'request', request: { files: [{ fileId: A, fromIndex: 0 }, { fileId: B, fromIndex: 0 }] } });
    // A first connection never starts mid-file.
    expect(() => senderTransition(initialSenderState(two), { type: 'request', request: { files: [{ fileId: B, fromIndex: 1 }] } })).toThrow(
      expect.objectContaining({ code: 'protocol_violation' }),
    );
    state = senderReconnected(state);
    expect(state).toMatchObject({ phase: 'awaiting-request', epoch: 1 });
    // B has 3 chunks of 1024: index 3 means every chunk arrived, 4 is beyond the file.
    expect(() => senderTransition(state, { type: 'request', request: { files: [{ fileId: B, fromIndex: 4 }] } })).toThrow(
      expect.objectContaining({ code: 'protocol_violation' }),
    );
    const resumed = senderTransition(state, { type: 'request', request: { files: [{ fileId: B, fromIndex: 2 }] } });
    expect(resumed).toMatchObject({ phase: 'sending', epoch: 1 });
    expect(resumed.verified.has(A)).toBe(true);
    expect(resumed.phase === 'sending' && resumed.pending.get(B)).toBe(2);
    // A verified file cannot be asked for again.
    const again = senderReconnected(resumed);
    expect(() => senderTransition(again, { type: 'request', request: { files: [{ fileId: A, fromIndex: 0 }] } })).toThrow(
      expect.objectContaining({ code: 'protocol_violation' }),
    );
  });
});
