import type { SelectedFile, Skipped } from '@/lib/transfer/selection';
import { selectionBytes } from '@/lib/transfer/selection';
import { formatBytes } from '../lib/transfer/format';

/** The files chosen so far, each removable, their total, what was turned away, and Share. */
export function SelectionList({
  files,
  skipped,
  onRemove,
  onShare,
}: {
  files: SelectedFile[];
  skipped: Skipped[];
  onRemove: (path: string) => void;
  onShare: () => void;
}) {
  return (
    <section aria-label="Files to share" className="flex flex-col gap-4 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      {files.length > 0 ? (
        <ul data-testid="selection" className="flex flex-col gap-1 text-sm">
          {files.map(({ path, file }) => (
            <li key={path} data-testid="selected-file" data-path={path} className="flex items-center justify-between gap-4">
              <span className="min-w-0 truncate font-medium" title={path}>
                {path}
              </span>
              <span className="flex shrink-0 items-center gap-3">
                <span className="text-slate-500 dark:text-slate-400">{formatBytes(file.size)}</span>
                <button
                  type="button"
                  aria-label={`Remove ${path}`}
                  onClick={() => onRemove(path)}
                  className="rounded px-2 py-0.5 text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-vault-500 dark:text-slate-300 dark:hover:bg-slate-800"
                >
                  Remove
                </button>
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-500 dark:text-slate-400">No files chosen yet.</p>
      )}
      {skipped.length > 0 && (
        <div data-testid="skipped" role="status" className="rounded-xl border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          <p className="font-medium">Not added:</p>
          <ul>
            {skipped.slice(0, 10).map((s, i) => (
              <li key={`${i}:${s.path}`} className="break-all">
                {s.path}: {s.reason}
              </li>
            ))}
            {skipped.length > 10 && <li>and {skipped.length - 10} more</li>}
          </ul>
        </div>
      )}
      <div className="flex items-center justify-between gap-4">
        <p data-testid="selection-total" className="text-sm tabular-nums text-slate-600 dark:text-slate-400">
          {files.length} {files.length === 1 ? 'file' : 'files'} · {formatBytes(selectionBytes(files))}
        </p>
        <button
          type="button"
          data-testid="share-button"
          disabled={files.length === 0}
          onClick={onShare}
          className="rounded-lg bg-vault-600 px-4 py-2 font-medium text-white hover:bg-vault-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-vault-500 disabled:cursor-not-allowed disabled:opacity-50"
        >
          Share
        </button>
      </div>
    </section>
  );
}
