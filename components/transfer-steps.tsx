'use client';

import { useState } from 'react';
import { STEP_LABELS, stepStates, type Step } from '@/lib/client/transfer-steps';

/**
 * Steps that pulse while current: those where nothing else on the page moves. During a
 * transfer the progress bar shows it moving, and an endless animation would have the
 * compositor draw 60 frames a second on CPU the transfer needs (docs/performance.md).
 */
const PULSING = new Set<Step>(['waiting', 'connecting']);

/**
 * The named steps of a transfer, the current one marked. Every step keeps its place
 * and size whatever the state, so the page does not move as the transfer advances.
 */
export function TransferSteps({ current }: { current: Step }) {
  // On error, the steps passed before it stay marked.
  const [reached, setReached] = useState<Step | null>(null);
  if (current !== 'error' && current !== reached) setReached(current);
  return (
    <ol data-testid="steps" data-step={current} aria-label="Transfer steps" className="grid grid-cols-5 gap-1 text-center text-[0.6875rem] leading-tight sm:text-xs">
      {stepStates(current, reached).map(({ step, state }) => (
        <li key={step} aria-current={state === 'current' ? 'step' : undefined} className="flex flex-col items-center gap-1">
          <span
            aria-hidden="true"
            className={`h-1.5 w-full rounded-full ${
              state === 'done' ? 'bg-vault-600 dark:bg-vault-400' : state === 'current' ? `bg-vault-600 dark:bg-vault-400 ${PULSING.has(step) ? 'motion-safe:animate-pulse' : ''}` : 'bg-slate-200 dark:bg-slate-700'
            }`}
          />
          <span className={state === 'current' ? 'font-semibold text-slate-900 dark:text-slate-50' : 'text-slate-600 dark:text-slate-400'}>
            {STEP_LABELS[step]}
            <span className="sr-only">{state === 'done' ? ' (done)' : state === 'current' ? ' (now)' : ''}</span>
          </span>
        </li>
      ))}
    </ol>
  );
}
