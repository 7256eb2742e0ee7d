import { VaultError } from '../protocol/errors';
import type { Ack, Manifest, TransferRequest } from '../protocol/messages';
import { chunkCount } from './chunking';

// The sender's side of the conversation as a pure transition function: it offers a
// manifest, waits for the receiver's request, streams, then waits until the receiver
// has verified every requested file. After a dropped connection it offers the manifest
// again under the next epoch; the receiver's new request says where each file stands.

export type SenderState =
  | { phase: 'awaiting-request'; manifest: Manifest; epoch: number; verified: ReadonlySet<string> }
  | {
      phase: 'sending';
      manifest: Manifest;
      epoch: number;
      verified: ReadonlySet<string>;
      /** Files still to verify, in the order they are sent, with the chunk each starts at. */
      pending: ReadonlyMap<string, number>;
    }
  | { phase: 'done'; manifest: Manifest; epoch: number; verified: ReadonlySet<string> };

export type SenderEvent = { type: 'request'; request: TransferRequest } | { type: 'ack'; ack: Ack };

export function initialSenderState(manifest: Manifest): SenderState {
  return { phase: 'awaiting-request', manifest, epoch: 0, verified: new Set() };
}

/**
 * A new connection for the same transfer: the manifest goes out again under the next
 * epoch. Files the receiver verified stay verified; for the rest its request decides.
 */
export function senderReconnected(state: SenderState): SenderState {
  return { phase: 'awaiting-request', manifest: state.manifest, epoch: state.epoch + 1, verified: state.verified };
}

function fileOf(manifest: Manifest, fileId: string) {
  const file = manifest.files.find((f) => f.fileId === fileId);
  if (!file) throw new VaultError('unknown_file', 'receiver named a file that is not in the manifest');
  return file;
}

export function senderTransition(state: SenderState, event: SenderEvent): SenderState {
  const { manifest, epoch } = state;
  if (event.type === 'request') {
    if (state.phase !== 'awaiting-request') throw new VaultError('protocol_violation', `request while ${state.phase}`);
    const pending = new Map<string, number>();
    for (const { fileId, fromIndex } of event.request.files) {
      const file = fileOf(manifest, fileId);
      if (pending.has(fileId)) throw new VaultError('protocol_violation', 'file requested twice');
      if (state.verified.has(fileId)) throw new VaultError('protocol_violation', 'file requested again after it verified');
      // A first connection starts every file at 0; a resumed one may start anywhere up
      // to the file-end (every chunk arrived, only the hash check is missing).
      if (epoch === 0 && fromIndex !== 0) throw new VaultError('protocol_violation', 'resume on a first connection');
      if (fromIndex > chunkCount(file.size, manifest.chunkSize)) throw new VaultError('protocol_violation', 'resume beyond the end of the file');
      pending.set(fileId, fromIndex);
    }
    // On a resumed connection a file left out is one the receiver verified while the
    // old connection's acks were lost.
    const verified = new Set(state.verified);
    if (epoch > 0) for (const f of manifest.files) if (!pending.has(f.fileId)) verified.add(f.fileId);
    if (pending.size === 0) return { phase: 'done', manifest, epoch, verified };
    return { phase: 'sending', manifest, epoch, verified, pending };
  }

  if (state.phase !== 'sending') throw new VaultError('protocol_violation', `ack while ${state.phase}`);
  const file = fileOf(manifest, event.ack.fileId);
  if (event.ack.received > file.size) throw new VaultError('protocol_violation', 'ack beyond the end of the file');
  if (!event.ack.verified) return state;
  if (!state.pending.has(file.fileId)) throw new VaultError('protocol_violation', 'file verified twice or never requested');
  const pending = new Map(state.pending);
  pending.delete(file.fileId);
  const verified = new Set(state.verified).add(file.fileId);
  return pending.size === 0 ? { phase: 'done', manifest, epoch, verified } : { ...state, verified, pending };
}
