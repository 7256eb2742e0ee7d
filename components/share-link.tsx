'use client';

import { useEffect, useState, useSyncExternalStore } from 'react';
import { LinkExpiry } from './link-expiry';
import { LinkQr } from './link-qr';

const noSubscription = () => () => {};
const hasShareSheet = () => typeof navigator.share === 'function';

const BUTTON =
  'rounded-lg px-4 py-2 font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-vault-500';

/** The share link: copy, share sheet, QR code and expiry. The link holds the key: only share it with the recipient. */
export function ShareLink({ link, expiresAt }: { link: string; expiresAt: string | null }) {
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  // Known only in the browser: the server's HTML renders without the button.
  const canShare = useSyncExternalStore(noSubscription, hasShareSheet, () => false);
  useEffect(() => {
    if (copy === 'idle') return;
    const timer = setTimeout(() => setCopy('idle'), 2500);
    return () => clearTimeout(timer);
  }, [copy]);

  const copyLink = () =>
    navigator.clipboard.writeText(link).then(
      () => setCopy('copied'),
      () => setCopy('failed'),
    );
  // A dismissed share sheet rejects with AbortError: nothing to report.
  const share = () => navigator.share({ title: 'Secure P2P File Vault', text: 'Files for you (end-to-end encrypted):', url: link }).catch(() => {});

  return (
    <div className="flex flex-col gap-4 sm:flex-row sm:items-start">
      <div className="flex min-w-0 flex-1 flex-col gap-2">
        <label htmlFor="share-link" className="text-sm font-medium">
          Send this link to the recipient
        </label>
        <input
          id="share-link"
          data-testid="share-link"
          readOnly
          value={link}
          onFocus={(e) => e.target.select()}
          className="w-full min-w-0 rounded-lg border border-slate-300 bg-white px-3 py-2 font-mono text-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-vault-500 dark:border-slate-700 dark:bg-slate-950"
        />
        <div className="flex flex-wrap gap-2">
          <button type="button" data-testid="copy-link" onClick={copyLink} className={`${BUTTON} min-w-24 bg-vault-700 text-white hover:bg-vault-800`}>
            {copy === 'copied' ? 'Copied ✓' : 'Copy link'}
          </button>
          {canShare && (
            <button
              type="button"
              onClick={share}
              className={`${BUTTON} border border-slate-300 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800`}
            >
              Share…
            </button>
          )}
        </div>
        {/* Announced to screen readers; the slot stays reserved so nothing moves. */}
        <p role="status" aria-live="polite" className="min-h-5 text-sm text-slate-600 dark:text-slate-400">
          {copy === 'copied' ? 'Link copied to the clipboard.' : copy === 'failed' ? 'Could not copy: select the link and copy it yourself.' : ''}
        </p>
        {expiresAt && <LinkExpiry expiresAt={expiresAt} />}
        <p className="text-xs text-slate-600 dark:text-slate-400">Anyone with this link can receive the files; its key never reaches our server.</p>
      </div>
      <LinkQr link={link} />
    </div>
  );
}
