import type { ReceiverStatus, SenderStatus } from './transfer-status';

// The original design's state machine as the user sees it: five named steps in order,
// plus error. Both pages map their finer statuses onto these steps so that the two
// people on either end of a link talk about the same thing.

export const STEPS = ['waiting', 'connecting', 'transferring', 'verifying', 'done'] as const;
export type Step = (typeof STEPS)[number] | 'error';

export const STEP_LABELS: Record<Step, string> = {
  waiting: 'Waiting',
  connecting: 'Connecting',
  transferring: 'Transferring',
  verifying: 'Verifying',
  done: 'Done',
  error: 'Stopped',
};

export function senderStep(status: SenderStatus): Step | null {
  switch (status) {
    case 'idle':
      return null;
    case 'creating':
    case 'waiting':
      return 'waiting';
    case 'connecting':
    case 'reconnecting':
      return 'connecting';
    case 'sending':
      return 'transferring';
    case 'done':
      return 'done';
    case 'ended':
    case 'error':
      return 'error';
  }
}

/**
 * `verifying` is the stretch after the last chunk arrived and before its hash is
 * confirmed: the receiver has all the bytes but nothing is offered yet.
 */
export function receiverStep(status: ReceiverStatus, bytesDone: number, bytesTotal: number): Step {
  switch (status) {
    case 'joining':
    case 'waiting':
      return 'waiting';
    case 'connecting':
    case 'reconnecting':
    case 'needs-location':
      return 'connecting';
    case 'receiving':
      return bytesTotal > 0 && bytesDone >= bytesTotal ? 'verifying' : 'transferring';
    case 'done':
      return 'done';
    case 'error':
      return 'error';
  }
}

/** Where each step stands relative to the current one, for a progress stepper. */
export function stepStates(current: Step, reached: Step | null = null): { step: (typeof STEPS)[number]; state: 'done' | 'current' | 'todo' }[] {
  // On error, the steps up to the last one reached stay marked as passed.
  const index = current === 'error' ? (reached ? STEPS.indexOf(reached as (typeof STEPS)[number]) : -1) : STEPS.indexOf(current);
  return STEPS.map((step, i) => ({ step, state: i < index || (current === 'done' && i === index) ? 'done' : i === index && current !== 'error' ? 'current' : 'todo' }));
}
