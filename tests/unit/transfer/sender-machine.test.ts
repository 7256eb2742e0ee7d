import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../../lib/protocol/messages';
import { initialSenderState, senderTransition } from '../../../lib/transfer/sender-machine';

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
});
