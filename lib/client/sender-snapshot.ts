import type { TransferProgress } from '../transfer/progress';
import * as roster from './receiver-roster';
import type { SenderSnapshot, SenderStatus } from './transfer-status';

/** The snapshot's session fields, kept by the controller; the rest comes from the roster. */
export type SessionView = Pick<SenderSnapshot, 'link' | 'code' | 'expiresAt' | 'files' | 'error' | 'notice'>;

/** Session-wide phase; while `running`, the status comes from the receivers. */
export type Phase = 'idle' | 'creating' | 'running' | 'ended' | 'error';

export function senderSnapshot(view: SessionView, phase: Phase, receivers: roster.Roster, total: TransferProgress): SenderSnapshot {
  const status: SenderStatus = phase === 'running' ? roster.aggregateStatus(receivers) : phase;
  const { progress, speed } = roster.aggregateProgress(receivers, total);
  return { ...view, status, progress, speed, maxReceivers: receivers.limit, receivers: [...receivers.receivers] };
}
