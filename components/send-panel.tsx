'use client';

import { useState } from 'react';
import { useSender } from '@/hooks/use-sender';
import type { SenderStatus } from '@/lib/client/transfer-status';
import { ErrorNotice } from './error-notice';
import { FilePicker } from './file-picker';
import { formatBytes } from '../lib/transfer/format';
import { ProgressBar } from './progress-bar';
import { CodeOption } from './code-option';
import { ReceiverLimit } from './receiver-limit';
import { ReceiverList } from './receiver-list';
import { SelectionList } from './selection-list';
import { ShareCode } from './share-code';
import { ShareLink } from './share-link';
import { StatusLine } from './status-line';
import { TransferSteps } from './transfer-steps';
import { senderStep } from '@/lib/client/transfer-steps';

const STATUS_TEXT: Record<SenderStatus, string> = {
  idle: 'Choose files to share.',
  creating: 'Creating a secure link…',
  waiting: 'Waiting for a recipient to open the link…',
  connecting: 'Recipient found. Connecting directly…',
  sending: 'Sending, encrypted…',
  reconnecting: 'A connection dropped. Reconnecting…',
  done: 'Done. The recipient received and verified every file.',
  ended: 'You ended this session: the link no longer works.',
  error: 'The transfer stopped.',
};

function statusText(status: SenderStatus, maxReceivers: number): string {
  if (status === 'done' && maxReceivers > 1) return `Done. All ${maxReceivers} recipients received and verified the files.`;
  return STATUS_TEXT[status];
}

/** The homepage's sender flow: pick files and folders, share the link, watch them go. */
export function SendPanel() {
  const { snapshot, chosen, add, remove, share, retry, stopReceiver, endSession, reset } = useSender();
  const [limit, setLimit] = useState(1);
  const [withCode, setWithCode] = useState(false);
  const { status } = snapshot;
  const finished = status === 'done' || status === 'ended' || status === 'error';

  if (status === 'idle') {
    return (
      <div className="flex flex-col gap-4">
        <FilePicker onFiles={add} />
        <ReceiverLimit value={limit} onChange={setLimit} />
        <CodeOption value={withCode} onChange={setWithCode} />
        <SelectionList files={chosen.files} skipped={chosen.skipped} onRemove={remove} onShare={() => share(limit, withCode)} />
      </div>
    );
  }

  return (
    <section className="flex flex-col gap-5 rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6 dark:border-slate-800 dark:bg-slate-900">
      <TransferSteps current={senderStep(status) ?? 'waiting'} />
      <ul className="flex flex-col gap-1 text-sm">
        {snapshot.files.map((f) => (
          <li key={f.path} data-testid="sent-file" data-path={f.path} className="flex flex-col">
            <div className="flex justify-between gap-4">
              <span className="truncate font-medium" title={f.path}>
                {f.path}
              </span>
              <span className="shrink-0 text-slate-500 dark:text-slate-400">{formatBytes(f.size)}</span>
            </div>
            <p className="break-all font-mono text-xs text-slate-500 dark:text-slate-400">
              {f.sha256 ? (
                <>
                  SHA-256 <span data-testid="sent-file-hash">{f.sha256}</span>
                </>
              ) : (
                'SHA-256: computing…'
              )}
            </p>
          </li>
        ))}
      </ul>
      <StatusLine status={status} text={statusText(status, snapshot.maxReceivers)} />
      {snapshot.link && !finished && <ShareLink link={snapshot.link} expiresAt={snapshot.expiresAt} />}
      {snapshot.link && snapshot.code && !finished && <ShareCode code={snapshot.code} link={snapshot.link} />}
      {(status === 'sending' || status === 'reconnecting' || status === 'done') && (
        <ProgressBar progress={snapshot.progress} speed={snapshot.speed} label="Sending progress" />
      )}
      <ReceiverList receivers={snapshot.receivers} maxReceivers={snapshot.maxReceivers} onStop={stopReceiver} />
      {snapshot.notice && status !== 'error' && (
        <p
          data-testid="sender-notice"
          data-code={snapshot.notice.code}
          role="status"
          className="rounded-xl border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
        >
          {snapshot.notice.message}
        </p>
      )}
      {snapshot.error && <ErrorNotice code={snapshot.error.code} message={snapshot.error.message} />}
      {snapshot.link && !finished && (
        <button
          type="button"
          data-testid="end-session"
          onClick={endSession}
          className="self-start rounded-lg border border-red-300 px-4 py-2 text-sm font-medium text-red-800 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-vault-500 dark:border-red-800 dark:text-red-200 dark:hover:bg-red-950"
        >
          End session (the link stops working)
        </button>
      )}
      {finished && (
        <div className="flex flex-wrap gap-2">
          {status !== 'done' && (
            <button
              type="button"
              data-testid="retry"
              onClick={retry}
              className="rounded-lg bg-vault-700 px-4 py-2 font-medium text-white hover:bg-vault-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-vault-500"
            >
              Share again with a new link
            </button>
          )}
          <button
            type="button"
            onClick={reset}
            className="rounded-lg border border-slate-300 px-4 py-2 font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-vault-500 dark:border-slate-700 dark:hover:bg-slate-800"
          >
            Send other files
          </button>
        </div>
      )}
    </section>
  );
}
