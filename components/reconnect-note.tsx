import type { ReconnectView, ResumedView } from '@/lib/client/transfer-status';
import { formatBytes } from '../lib/transfer/format';

/** "Reconnecting… attempt 2 of 5" while a dropped connection is restored, then what was kept. */
export function ReconnectNote({ reconnect, resumed }: { reconnect: ReconnectView | null; resumed: ResumedView | null }) {
  if (reconnect) {
    return (
      <p data-testid="reconnect" className="text-sm text-amber-800 dark:text-amber-300">
        The connection dropped. Reconnecting… attempt {reconnect.attempt} of {reconnect.maxAttempts}
      </p>
    );
  }
  if (!resumed) return null;
  return (
    <p data-testid="resumed" data-count={resumed.count} data-kept={resumed.bytesKept} className="text-sm text-slate-600 dark:text-slate-400">
      Resumed after a dropped connection{resumed.count > 1 ? ` (${resumed.count} times)` : ''}: {formatBytes(resumed.bytesKept)} already
      received were kept, only the rest is sent again.
    </p>
  );
}
