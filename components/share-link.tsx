'use client';

import { useState } from 'react';

/** The share link with a copy button. The link holds the key: only share it with the recipient. */
export function ShareLink({ link, expiresAt }: { link: string; expiresAt: string | null }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(link);
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return (
    <div className="flex flex-col gap-2">
      <label htmlFor="share-link" className="text-sm font-medium">
        Send this link to the recipient
      </label>
      <div className="flex gap-2">
        <input
          id="share-link"
          data-testid="share-link"
          readOnly
          value={link}
          onFocus={(e) => e.target.select()}
          className="min-w-0 flex-1 rounded-lg border border-slate-300 bg-white px-3 py-2 font-mono text-sm dark:border-slate-700 dark:bg-slate-900"
        />
        <button
          type="button"
          onClick={copy}
          className="rounded-lg bg-vault-600 px-4 py-2 font-medium text-white hover:bg-vault-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-vault-500"
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      {expiresAt && (
        <p className="text-xs text-slate-500 dark:text-slate-400">
          The link works until {new Date(expiresAt).toLocaleString()}. Its secret key never reaches our server.
        </p>
      )}
    </div>
  );
}
