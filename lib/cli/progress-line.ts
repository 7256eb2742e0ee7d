import { formatBytes, formatDuration, formatRate } from '../transfer/format';
import type { TransferProgress } from '../transfer/progress';
import type { RateEstimate } from '../transfer/rate-meter';

// One line of terminal progress: a bar, the bytes, the speed and the time left. Pure,
// so its look is tested; the caller redraws it in place on a TTY.

const BAR_WIDTH = 24;

export function progressLine(label: string, progress: TransferProgress, speed: RateEstimate | null, columns = 80): string {
  const fraction = progress.bytesTotal > 0 ? Math.min(1, progress.bytesDone / progress.bytesTotal) : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const bytes = `${formatBytes(progress.bytesDone)} / ${formatBytes(progress.bytesTotal)}`;
  const rate = speed ? `${formatRate(speed.bytesPerSecond)}  ETA ${speed.etaSeconds === null ? '?' : formatDuration(speed.etaSeconds)}` : '';
  const files = progress.filesTotal > 1 ? `  ${progress.filesDone}/${progress.filesTotal} files` : '';
  const line = `${label} ${bar} ${percent}  ${bytes}${files}${rate ? `  ${rate}` : ''}`;
  return line.length > columns - 1 ? line.slice(0, columns - 1) : line;
}
