import type { TransferProgress } from '@/lib/transfer/progress';
import { formatBytes } from './format';

export function ProgressBar({ progress, label }: { progress: TransferProgress; label: string }) {
  const percent = progress.bytesTotal > 0 ? Math.floor((progress.bytesDone / progress.bytesTotal) * 100) : progress.filesDone > 0 ? 100 : 0;
  return (
    <div className="flex flex-col gap-1">
      <div
        data-testid="progress"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-3 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
      >
        <div className="h-full bg-vault-500 transition-[width] duration-200" style={{ width: `${percent}%` }} />
      </div>
      <p className="text-sm tabular-nums text-slate-600 dark:text-slate-400">
        {percent}% · {formatBytes(progress.bytesDone)} of {formatBytes(progress.bytesTotal)}
      </p>
    </div>
  );
}
