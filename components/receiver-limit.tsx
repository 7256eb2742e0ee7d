'use client';

import { MAX_RECEIVERS_LIMIT } from '@/lib/protocol/api';

const CHOICES = Array.from({ length: MAX_RECEIVERS_LIMIT }, (_, i) => i + 1);

/** How many recipients the link will admit, chosen before the session is created. */
export function ReceiverLimit({ value, onChange }: { value: number; onChange: (limit: number) => void }) {
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
      <label htmlFor="receiver-limit" className="font-medium">
        Recipients
      </label>
      <select
        id="receiver-limit"
        data-testid="receiver-limit"
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
        aria-describedby="receiver-limit-hint"
        className="rounded-lg border border-slate-300 bg-white px-2 py-1 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-vault-500 dark:border-slate-700 dark:bg-slate-900"
      >
        {CHOICES.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      <span id="receiver-limit-hint" className="text-slate-500 dark:text-slate-400">
        {value === 1 ? 'The link works for one recipient.' : `The link works for up to ${value} recipients, each with its own encrypted connection.`}
      </span>
    </div>
  );
}
