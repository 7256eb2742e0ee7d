import { VaultError } from '../protocol/errors';
import type { Ack, Manifest, TransferRequest } from '../protocol/messages';

// The sender's side of the conversation as a pure transition function: it offers a
// manifest, waits for the receiver's request, streams, then waits until the receiver
// has verified every requested file.

export type SenderState =
  | { phase: 'awaiting-request'; manifest: Manifest }
  | { phase: 'sending'; manifest: Manifest; pending: ReadonlySet<string> }
  | { phase: 'done'; manifest: Manifest };

export type SenderEvent = { type: 'request'; request: TransferRequest } | { type: 'ack'; ack: Ack };

export function initialSenderState(manifest: Manifest): SenderState {
  return { phase: 'awaiting-request', manifest };
}

function fileOf(manifest: Manifest, fileId: string) {
  const file = manifest.files.find((f) => f.fileId === fileId);
  if (!file) throw new VaultError('unknown_file', 'receiver named a file that is not in the manifest');
  return file;
}

export function senderTransition(state: SenderState, event: SenderEvent): SenderState {
  if (event.type === 'request') {
    if (state.phase !== 'awaiting-request') throw new VaultError('protocol_violation', `request while ${state.phase}`);
    const pending = new Set<string>();
    for (const { fileId, fromIndex } of event.request.files) {
      fileOf(state.manifest, fileId);
      if (pending.has(fileId)) throw new VaultError('protocol_violation', 'file requested twice');
      if (fromIndex !== 0) {
        // Resume from a later chunk arrives with key epochs (protocol §5).
        throw new VaultError('protocol_violation', 'resume is not supported by this sender');
      }
      pending.add(fileId);
    }
    if (pending.size === 0) return { phase: 'done', manifest: state.manifest };
    return { phase: 'sending', manifest: state.manifest, pending };
  }

  if (state.phase !== 'sending') throw new VaultError('protocol_violation', `ack while ${state.phase}`);
  const file = fileOf(state.manifest, event.ack.fileId);
  if (event.ack.received > file.size) throw new VaultError('protocol_violation', 'ack beyond the end of the file');
  if (!event.ack.verified) return state;
  if (!state.pending.has(file.fileId)) throw new VaultError('protocol_violation', 'file verified twice or never requested');
  const pending = new Set(state.pending);
  pending.delete(file.fileId);
  return pending.size === 0 ? { phase: 'done', manifest: state.manifest } : { ...state, pending };
}
