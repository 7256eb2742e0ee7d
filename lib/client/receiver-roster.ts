import { emptyProgress, type TransferProgress } from '../transfer/progress';
import type { RateEstimate } from '../transfer/rate-meter';
import type { ReceiverView, ShownError } from './transfer-status';

// The sender's receivers as plain data: who holds a slot, how far each one is, and
// what that means for the whole session. Every function returns a new roster (or the
// same one when the event does not apply), so the controller can publish snapshots.
//
// Slots: a link admits `limit` receivers. One that is connecting, sending or done holds
// a slot; one that failed, was stopped or went away frees it for someone else. The
// session is over when `limit` receivers are done.

export interface Roster {
  readonly limit: number;
  readonly receivers: readonly ReceiverView[];
  /** The number the next admitted receiver is shown with ("Receiver 3"). */
  readonly nextNumber: number;
}

export function emptyRoster(limit: number): Roster {
  return { limit, receivers: [], nextNumber: 1 };
}

export const isActive = (r: ReceiverView) => r.status === 'connecting' || r.status === 'sending' || r.status === 'reconnecting';
const holdsSlot = (r: ReceiverView) => isActive(r) || r.status === 'done';

export function find(roster: Roster, peerId: string): ReceiverView | undefined {
  return roster.receivers.find((r) => r.peerId === peerId);
}

/** Whether one more receiver may start: the slots held stay within the link's limit. */
export function canAdmit(roster: Roster): boolean {
  return roster.receivers.filter(holdsSlot).length < roster.limit;
}

/** A receiver joined and gets a slot (unchanged if it has one already or none is free). */
export function admit(roster: Roster, peerId: string, total: TransferProgress): Roster {
  if (find(roster, peerId) || !canAdmit(roster)) return roster;
  const view: ReceiverView = {
    peerId,
    number: roster.nextNumber,
    status: 'connecting',
    progress: { ...total },
    speed: null,
    error: null,
    reconnect: null,
    resumed: null,
  };
  return { ...roster, receivers: [...roster.receivers, view], nextNumber: roster.nextNumber + 1 };
}

/** Applies `change` to an active receiver only: a finished one's row is final. */
function updateActive(roster: Roster, peerId: string, change: (r: ReceiverView) => ReceiverView): Roster {
  const at = roster.receivers.findIndex((r) => r.peerId === peerId);
  const current = roster.receivers[at];
  if (!current || !isActive(current)) return roster;
  const next = change(current);
  if (next === current) return roster;
  const receivers = roster.receivers.slice();
  receivers[at] = next;
  return { ...roster, receivers };
}

/** The channel opened and key confirmation begins. */
export const sending = (roster: Roster, peerId: string) =>
  updateActive(roster, peerId, (r) => (r.status === 'connecting' ? { ...r, status: 'sending' } : r));

export const progressed = (roster: Roster, peerId: string, progress: TransferProgress, speed: RateEstimate | null) =>
  updateActive(roster, peerId, (r) => (r.status === 'sending' || r.status === 'reconnecting' ? { ...r, progress, speed: r.status === 'sending' ? speed : null } : r));

/** Every file verified by this receiver. */
export const completed = (roster: Roster, peerId: string, progress: TransferProgress) =>
  updateActive(roster, peerId, (r) => (r.status === 'sending' ? { ...r, status: 'done', progress, speed: null } : r));

export const failed = (roster: Roster, peerId: string, error: ShownError) =>
  updateActive(roster, peerId, (r) => ({ ...r, status: 'failed', speed: null, error, reconnect: null }));

/** Its connection dropped mid-transfer; attempt `attempt` of `maxAttempts` to restore it. */
export const reconnecting = (roster: Roster, peerId: string, attempt: number, maxAttempts: number) =>
  updateActive(roster, peerId, (r) => (r.status === 'connecting' ? r : { ...r, status: 'reconnecting', speed: null, reconnect: { attempt, maxAttempts } }));

/** The transfer continues over a new connection from what the receiver held (`bytesKept`). */
export const resumed = (roster: Roster, peerId: string, bytesKept: number) =>
  updateActive(roster, peerId, (r) =>
    r.status === 'reconnecting'
      ? { ...r, status: 'sending', reconnect: null, resumed: { count: (r.resumed?.count ?? 0) + 1, bytesKept } }
      : r,
  );

/** What one receiver's transfer reports; `completed` and `failed` are final. */
export type TransferChange =
  | { type: 'sending' }
  | { type: 'progress'; progress: TransferProgress; speed: RateEstimate | null }
  | { type: 'reconnecting'; attempt: number; maxAttempts: number }
  | { type: 'resumed'; bytesKept: number }
  | { type: 'completed'; progress: TransferProgress }
  | { type: 'failed'; error: ShownError };

/** A receiver's row after its transfer reported `change`. */
export function changed(roster: Roster, peerId: string, change: TransferChange): Roster {
  switch (change.type) {
    case 'sending':
      return sending(roster, peerId);
    case 'progress':
      return progressed(roster, peerId, change.progress, change.speed);
    case 'reconnecting':
      return reconnecting(roster, peerId, change.attempt, change.maxAttempts);
    case 'resumed':
      return resumed(roster, peerId, change.bytesKept);
    case 'completed':
      return completed(roster, peerId, change.progress);
    case 'failed':
      return failed(roster, peerId, change.error);
  }
}

/** The receiver's signaling reconnected: same transfer, new peer id. */
export function renamed(roster: Roster, from: string, to: string): Roster {
  if (!find(roster, from) || find(roster, to)) return roster;
  return { ...roster, receivers: roster.receivers.map((r) => (r.peerId === from ? { ...r, peerId: to } : r)) };
}

/** The sender stopped this receiver. */
export const stopped = (roster: Roster, peerId: string) => updateActive(roster, peerId, (r) => ({ ...r, status: 'stopped', speed: null }));

/**
 * Gone before the channel opened (left, or turned away for a wrong link): no row, since
 * nothing was sent to it. Its number is not reused, so rows never change names.
 */
export function dropped(roster: Roster, peerId: string): Roster {
  const view = find(roster, peerId);
  if (!view || view.status !== 'connecting') return roster;
  return { ...roster, receivers: roster.receivers.filter((r) => r !== view) };
}

/** `limit` receivers verified everything: the link has done its job and can end. */
export function allDone(roster: Roster): boolean {
  return roster.receivers.filter((r) => r.status === 'done').length >= roster.limit;
}

/** The session's status from its receivers': sending while any is, done when all slots are. */
export function aggregateStatus(roster: Roster): 'waiting' | 'connecting' | 'sending' | 'reconnecting' | 'done' {
  if (roster.receivers.some((r) => r.status === 'sending')) return 'sending';
  if (roster.receivers.some((r) => r.status === 'reconnecting')) return 'reconnecting';
  if (roster.receivers.some((r) => r.status === 'connecting')) return 'connecting';
  return allDone(roster) ? 'done' : 'waiting';
}

/** All slot-holding receivers' progress together, and their combined speed. */
export function aggregateProgress(roster: Roster, total: TransferProgress): { progress: TransferProgress; speed: RateEstimate | null } {
  const counted = roster.receivers.filter(holdsSlot);
  if (counted.length === 0) return { progress: emptyProgress(total.bytesTotal, total.filesTotal), speed: null };
  const progress = counted.reduce(
    (sum, r) => ({
      bytesDone: sum.bytesDone + r.progress.bytesDone,
      bytesTotal: sum.bytesTotal + r.progress.bytesTotal,
      filesDone: sum.filesDone + r.progress.filesDone,
      filesTotal: sum.filesTotal + r.progress.filesTotal,
    }),
    emptyProgress(),
  );
  const moving = counted.filter((r) => r.speed !== null).map((r) => r.speed!);
  if (moving.length === 0) return { progress, speed: null };
  const etas = moving.map((s) => s.etaSeconds);
  // The whole session lasts as long as its slowest receiver.
  const eta = etas.includes(null) ? null : Math.max(...(etas as number[]));
  return { progress, speed: { bytesPerSecond: moving.reduce((sum, s) => sum + s.bytesPerSecond, 0), etaSeconds: eta } };
}
