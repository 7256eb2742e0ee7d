'use client';

import type { ReceiverRowStatus, ReceiverView } from '@/lib/client/transfer-status';
import { ErrorNotice } from './error-notice';
import { ProgressBar } from './progress-bar';
import { ReconnectNote } from './reconnect-note';

const ROW_TEXT: Record<ReceiverRowStatus, string> = {
  connecting: 'Connecting directly…',
  sending: 'Sending, encrypted…',
  reconnecting: 'Connection lost, reconnecting…',
  done: 'Received and verified.',
  failed: 'Stopped with an error.',
  stopped: 'Stopped by you.',
};

/** One row per receiver: its own status, progress and a Stop button for it alone. */
export function ReceiverList({
  receivers,
  maxReceivers,
  onStop,
}: {
  receivers: ReceiverView[];
  maxReceivers: number;
  onStop: (peerId: string) => void;
}) {
  if (receivers.length === 0) return null;
  const done = receivers.filter((r) => r.status === 'done').length;
  return (
    <section aria-labelledby="receivers-heading" className="flex flex-col gap-3">
      <h2 id="receivers-heading" className="flex justify-between gap-4 text-sm font-medium">
        <span>Recipients</span>
        <span data-testid="receivers-done" className="font-normal text-slate-500 dark:text-slate-400">
          {done} of {maxReceivers} done
        </span>
      </h2>
      <ul className="flex flex-col gap-3">
        {receivers.map((r) => (
          <ReceiverRow key={r.peerId} receiver={r} onStop={onStop} />
        ))}
      </ul>
    </section>
  );
}

function ReceiverRow({ receiver, onStop }: { receiver: ReceiverView; onStop: (peerId: string) => void }) {
  const { number, status } = receiver;
  const label = `Receiver ${number}`;
  const active = status === 'connecting' || status === 'sending' || status === 'reconnecting';
  return (
    <li
      data-testid="receiver-row"
      data-status={status}
      aria-label={label}
      className="flex flex-col gap-2 rounded-xl border border-slate-200 p-3 dark:border-slate-800"
    >
      <div className="flex items-center justify-between gap-4 text-sm">
        <p>
          <span className="font-medium">{label}</span>
          <span data-testid="receiver-status" className="text-slate-600 dark:text-slate-400">
            {' · '}
            {ROW_TEXT[status]}
          </span>
        </p>
        {active && (
          <button
            type="button"
            onClick={() => onStop(receiver.peerId)}
            aria-label={`Stop receiver ${number}`}
            className="shrink-0 rounded-lg border border-slate-300 px-3 py-1 font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-vault-500 dark:border-slate-700 dark:hover:bg-slate-800"
          >
            Stop
          </button>
        )}
      </div>
      <ReconnectNote reconnect={receiver.reconnect} resumed={receiver.resumed} />
      {(status === 'sending' || status === 'reconnecting' || status === 'done' || (status === 'stopped' && receiver.progress.bytesDone > 0)) && (
        <ProgressBar progress={receiver.progress} speed={receiver.speed} label={`${label} progress`} testIdPrefix="receiver-" />
      )}
      {receiver.error && <ErrorNotice code={receiver.error.code} message={receiver.error.message} />}
    </li>
  );
}
