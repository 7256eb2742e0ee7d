import type { TransferProgress } from '@/lib/transfer/progress';
import type { RateEstimate } from '@/lib/transfer/rate-meter';
import { formatBytes, formatDuration, formatRate } from '../lib/transfer/format';
import { Meter, percentOf } from './meter';

/** Progress with bytes done/total, and smoothed speed and time left while it moves. */
export function ProgressBar({
  progress,
  speed,
  label,
  testIdPrefix = '',
}: {
  progress: TransferProgress;
  speed: RateEstimate | null;
  label: string;
  /** Prefixes the progress, speed and ETA test ids: keeps several bars on one page apart. */
  testIdPrefix?: string;
}) {
  const percent = percentOf(progress.bytesDone, progress.bytesTotal, progress.filesDone > 0 ? 100 : 0);
  return (
    <div className="flex flex-col gap-1">
      <Meter percent={percent} label={label} testId={`${testIdPrefix}progress`} />
      <p className="flex flex-wrap justify-between gap-x-4 text-sm tabular-nums text-slate-600 dark:text-slate-400">
        <span>
          {percent}% · {formatBytes(progress.bytesDone)} of {formatBytes(progress.bytesTotal)}
        </span>
        {/* Fixed slots keep the line from shifting while numbers change. */}
        <span className="min-w-[12rem] text-right">
          <span data-testid={`${testIdPrefix}speed`}>{speed ? formatRate(speed.bytesPerSecond) : ''}</span>
          {speed && speed.etaSeconds !== null && (
            <>
              {' · '}
              <span data-testid={`${testIdPrefix}eta`}>{formatDuration(speed.etaSeconds)} left</span>
            </>
          )}
        </span>
      </p>
    </div>
  );
}
