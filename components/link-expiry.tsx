'use client';

import { useEffect, useState } from 'react';
import { timeLeft } from '@/lib/client/expiry';

/** How long the link still works, kept current while the page is open. */
export function LinkExpiry({ expiresAt }: { expiresAt: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  const left = timeLeft(expiresAt, now);
  return (
    <p data-testid="expiry" data-expired={left.expired} className="text-sm text-slate-600 dark:text-slate-400">
      {left.text}
      {!left.expired && <> (at {new Date(expiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })})</>}.
    </p>
  );
}
