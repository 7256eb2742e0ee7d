import type { VaultErrorCode } from '../protocol/errors';
import type { TransferProgress } from '../transfer/progress';

// What both pages show: the named states of the original design's state machine.

export type SenderStatus = 'idle' | 'creating' | 'waiting' | 'connecting' | 'sending' | 'verifying' | 'done' | 'error';
export type ReceiverStatus = 'joining' | 'waiting' | 'connecting' | 'receiving' | 'done' | 'error';

export interface ShownError {
  code: VaultErrorCode;
  message: string;
}

export interface SenderSnapshot {
  status: SenderStatus;
  link: string | null;
  expiresAt: string | null;
  files: { name: string; size: number }[];
  progress: TransferProgress;
  error: ShownError | null;
}

export interface ReceivedFileView {
  fileId: string;
  name: string;
  size: number;
  sha256: string;
  url: string;
}

export interface ReceiverSnapshot {
  status: ReceiverStatus;
  files: { fileId: string; name: string; size: number }[];
  progress: TransferProgress;
  received: ReceivedFileView[];
  error: ShownError | null;
}
