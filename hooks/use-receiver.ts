'use client';

import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { BrowserReceiverHost } from '@/lib/client/browser-receiver-host';
import { lookupCode } from '@/lib/client/api-client';
import { shownError } from '@/lib/client/errors';
import { ReceiverController } from '@/lib/client/receiver-controller';
import type { TypedCode } from '@/lib/codes/code-session';
import { keyFromHash } from '@/lib/client/share-link';
import { INITIAL_RECEIVER_SNAPSHOT, type ReceiverSnapshot } from '@/lib/client/transfer-status';

const JOINING = INITIAL_RECEIVER_SNAPSHOT;
const noop = () => () => {};
const storageKey = (sessionId: string) => `p2pvault:key:${sessionId}`;

/** A link's session (its key is in the fragment), or a short code someone typed. */
export type ReceiveSource = { sessionId: string } | { code: TypedCode };

/** The link's key from the fragment (or sessionStorage after a reload), removed from the address bar. */
function keyForSession(sessionId: string): string | null {
  const fromHash = keyFromHash(window.location.hash);
  if (fromHash) {
    sessionStorage.setItem(storageKey(sessionId), fromHash);
    history.replaceState(history.state, '', window.location.pathname + window.location.search);
  }
  return fromHash ?? sessionStorage.getItem(storageKey(sessionId));
}

/**
 * Runs a ReceiverController for a link's session, or for a code: its number names the
 * session, and its words give the key through the PAKE. Both then take one path.
 */
export function useReceiver(source: ReceiveSource) {
  const [running, setRunning] = useState<{ controller: ReceiverController; host: BrowserReceiverHost } | null>(null);
  const controller = running?.controller ?? null;
  const [failed, setFailed] = useState<ReceiverSnapshot | null>(null);
  const sessionId = 'sessionId' in source ? source.sessionId : null;
  const code = 'code' in source ? source.code : null;
  const codeText = code ? `${code.nameplate}-${code.words.join('-')}` : null;

  useEffect(() => {
    let created: ReceiverController | null = null;
    let cancelled = false;
    const run = async () => {
      const host = new BrowserReceiverHost();
      if (sessionId) {
        created = new ReceiverController(sessionId, keyForSession(sessionId), host);
      } else if (code) {
        const id = await lookupCode(window.location.origin, code.nameplate);
        if (cancelled) return;
        created = new ReceiverController(id, null, host, code);
      }
      if (!created) return;
      setRunning({ controller: created, host });
      void created.start();
    };
    // Start on the next task: StrictMode's immediate unmount cancels it unstarted.
    const start = setTimeout(() => void run().catch((error: unknown) => setFailed({ ...JOINING, status: 'error', error: shownError(error) })));
    // Leaving the page deletes received files kept in the browser's storage.
    const leave = () => created?.dispose();
    window.addEventListener('pagehide', leave);
    return () => {
      cancelled = true;
      clearTimeout(start);
      window.removeEventListener('pagehide', leave);
      created?.dispose();
    };
    // `code` is keyed by its text: a new object with the same code is the same source.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sessionId, codeText]);

  const live = useSyncExternalStore(controller?.store.subscribe ?? noop, controller?.store.get ?? (() => JOINING), () => JOINING);
  const snapshot = failed ?? live;
  const chooseLocation = useCallback(() => void running?.host.chooseLocation(), [running]);
  const downloadAll = useCallback(async () => {
    const zip = await controller?.downloadAll();
    if (!zip) return;
    const link = document.createElement('a');
    link.href = zip.url;
    link.download = zip.name;
    link.click();
  }, [controller]);
  return { snapshot, chooseLocation, downloadAll };
}
