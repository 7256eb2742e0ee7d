'use client';

import { useReceiver, type ReceiveSource } from '@/hooks/use-receiver';
import type { ReceiverStatus } from '@/lib/client/transfer-status';
import { fileProgress } from '@/lib/transfer/progress';
import { DownloadAll } from './download-all';
import { ErrorNotice } from './error-notice';
import { ProgressBar } from './progress-bar';
import { ReceivedFile } from './received-file';
import { ReconnectNote } from './reconnect-note';
import { StatusLine } from './status-line';
import { TransferSteps } from './transfer-steps';
import { receiverStep } from '@/lib/client/transfer-steps';

const STATUS_TEXT: Record<ReceiverStatus, string> = {
  joining: 'Opening the secure link…',
  waiting: 'Waiting for the sender’s browser…',
  connecting: 'Connecting directly to the sender…',
  'needs-location': 'Choose where to save the file to start receiving.',
  receiving: 'Receiving and decrypting…',
  reconnecting: 'Connection lost. Reconnecting to the sender…',
  done: 'Received and verified.',
  error: 'The transfer stopped.',
};

const STORAGE_TEXT = {
  opfs: 'Decrypted straight to this browser’s private storage on disk; it is removed when you leave this page.',
  picker: 'Decrypted straight into the file you chose.',
  memory: 'This browser has no disk storage for web pages: the files are kept in memory.',
} as const;

/** The receiver page: joins by itself, shows progress, offers only verified files. */
export function ReceivePanel({ source, again = 'link' }: { source: ReceiveSource; again?: 'link' | 'code' }) {
  const { snapshot, chooseLocation, downloadAll } = useReceiver(source);
  const { status, files } = snapshot;
  const moving = status === 'receiving' || status === 'reconnecting' || status === 'done';
  const perFile = moving ? fileProgress(files.map((f) => f.size), snapshot.progress) : null;
  const step = receiverStep(status, snapshot.progress.bytesDone, snapshot.progress.bytesTotal);
  const text = step === 'verifying' ? 'All data received. Verifying…' : STATUS_TEXT[status];
  return (
    <section className="flex flex-col gap-5 rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6 dark:border-slate-800 dark:bg-slate-900">
      <TransferSteps current={step} />
      <StatusLine status={status} text={text} />
      <ReconnectNote reconnect={snapshot.reconnect} resumed={snapshot.resumed} />
      {status === 'needs-location' && (
        <button
          type="button"
          data-testid="choose-location"
          onClick={chooseLocation}
          className="self-start rounded-lg bg-vault-600 px-4 py-2 font-medium text-white hover:bg-vault-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-vault-500"
        >
          Choose where to save
        </button>
      )}
      {moving && <ProgressBar progress={snapshot.progress} speed={snapshot.speed} label="Receiving progress" />}
      {snapshot.storage && moving && (
        <p data-testid="storage" data-storage={snapshot.storage} className="text-xs text-slate-500 dark:text-slate-400">
          {STORAGE_TEXT[snapshot.storage]}
        </p>
      )}
      {files.length > 0 && (
        <ul data-testid="file-list" aria-label="Files in this transfer" className="flex flex-col gap-2 text-sm">
          {files.map((f, index) => (
            <ReceivedFile
              key={f.fileId}
              path={f.path}
              size={f.size}
              progress={perFile?.[index] ?? null}
              received={snapshot.received.find((r) => r.fileId === f.fileId)}
            />
          ))}
        </ul>
      )}
      {status === 'done' && files.length > 1 && <DownloadAll zip={snapshot.zip} onDownloadAll={downloadAll} />}
      {snapshot.error && (
        <ErrorNotice code={snapshot.error.code} message={snapshot.error.message}>
          <p className="text-sm">
            {again === 'code'
              ? 'Nothing incomplete was kept. Ask the sender for a new code.'
              : 'Nothing incomplete was kept. Ask the sender for a new link, or open this one again if they are still sharing.'}
          </p>
          <button
            type="button"
            onClick={() => window.location.reload()}
            className="self-start rounded-lg border border-red-300 px-3 py-1.5 text-sm font-medium hover:bg-red-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-vault-500 dark:border-red-800 dark:hover:bg-red-900"
          >
            {again === 'code' ? 'Enter a code again' : 'Try this link again'}
          </button>
        </ErrorNotice>
      )}
    </section>
  );
}
