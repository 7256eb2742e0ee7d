import type { ReceivedFileView } from '@/lib/client/transfer-status';
import type { FileProgress } from '@/lib/transfer/progress';
import { formatBytes } from '../lib/transfer/format';
import { Meter, percentOf } from './meter';

/**
 * One file of the transfer: its path and size, then its own progress while it comes
 * in, and once verified its SHA-256 and a download button.
 */
export function ReceivedFile({
  path,
  size,
  progress,
  received,
}: {
  path: string;
  size: number;
  progress: FileProgress | null;
  received: ReceivedFileView | undefined;
}) {
  const percent = progress ? percentOf(progress.bytesDone, progress.bytesTotal) : 0;
  return (
    <li
      data-testid="received-file"
      data-path={path}
      data-state={received ? 'verified' : (progress?.state ?? 'waiting')}
      className={`flex flex-col gap-2 rounded-xl border p-3 ${
        received ? 'border-emerald-300 bg-emerald-50 dark:border-emerald-800 dark:bg-emerald-950' : 'border-slate-200 dark:border-slate-800'
      }`}
    >
      <div className="flex items-baseline justify-between gap-4">
        <p data-testid="file-path" className="min-w-0 truncate font-medium" title={path}>
          {path}
        </p>
        <p className="shrink-0 text-sm text-slate-600 dark:text-slate-400">{formatBytes(size)}</p>
      </div>
      {!received && progress && (
        <Meter percent={percent} label={`${path} progress`} testId="file-progress" thin />
      )}
      {received && (
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div className="min-w-0 text-xs">
            <p className="text-slate-600 dark:text-slate-400">Verified SHA-256</p>
            <p data-testid="file-hash" className="break-all font-mono">
              {received.sha256}
            </p>
          </div>
          <a
            data-testid="download"
            href={received.url}
            download={received.name}
            aria-label={`Download ${path}`}
            className="shrink-0 rounded-lg bg-emerald-700 px-4 py-2 font-medium text-white hover:bg-emerald-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-500"
          >
            Download
          </a>
        </div>
      )}
    </li>
  );
}
