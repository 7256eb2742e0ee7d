/** Whole percent of `done` out of `total`; an empty total counts as `emptyAs`. */
export function percentOf(done: number, total: number, emptyAs = 0): number {
  return total > 0 ? Math.floor((done / total) * 100) : emptyAs;
}

/** The bar itself, announced as a progressbar: the overall bar and each file's share it. */
export function Meter({ percent, label, testId, thin = false }: { percent: number; label: string; testId: string; thin?: boolean }) {
  return (
    <div
      data-testid={testId}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      className={`${thin ? 'h-1.5' : 'h-3'} w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800`}
    >
      <div className="h-full bg-vault-500" style={{ width: `${percent}%` }} />
    </div>
  );
}
