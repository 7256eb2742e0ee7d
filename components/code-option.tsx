'use client';

/** Whether the session also gets a short code to read out, chosen before it is created. */
export function CodeOption({ value, onChange }: { value: boolean; onChange: (code: boolean) => void }) {
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
      <input
        id="make-code"
        data-testid="make-code"
        type="checkbox"
        checked={value}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby="make-code-hint"
        className="size-4 accent-vault-600"
      />
      <label htmlFor="make-code" className="font-medium">
        Also make a short code
      </label>
      <span id="make-code-hint" className="text-slate-500 dark:text-slate-400">
        A number and three words to read out, for one try: the recipient types it at /c.
      </span>
    </div>
  );
}
