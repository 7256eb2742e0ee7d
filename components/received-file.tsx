import type { ReceivedFileView } from '@/lib/client/transfer-status';
import { formatBytes } from './format';

/** A verified file: its name, size, SHA-256 and the download button. */
export function ReceivedFile({ file }: { file: ReceivedFileView }) {
  return (
    <div className="flex flex-col gap-3 rounded-xl border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-800 dark:bg-emerald-950">
      <div className="flex items-baseline justify-between gap-4">
        <p className="truncate font-medium">{file.name}</p>
        <p className="shrink-0 text-sm text-slate-600 dark:text-slate-400">{formatBytes(file.size)}</p>
      </div>
      <div className="text-xs">
        <p className="text-slate-600 dark:text-slate-400">Verified SHA-256</p>
        <p data-testid="file-hash" className="break-all font-mono">
          {file.sha256}
        </p>
      </div>
      <a
        data-testid="download"
        href={file.url}
        download={file.name}
        className="self-start rounded-lg bg-emerald-700 px-4 py-2 font-medium text-white hover:bg-emerald-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-500"
      >
        Download
      </a>
    </div>
  );
}
