'use client';

import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { ReceiverController } from '@/lib/client/receiver-controller';
import { keyFromHash } from '@/lib/client/share-link';
import { INITIAL_RECEIVER_SNAPSHOT } from '@/lib/client/transfer-status';

const JOINING = INITIAL_RECEIVER_SNAPSHOT;
const noop = () => () => {};
const storageKey = (sessionId: string) => `p2pvault:key:${sessionId}`;

/**
 * Takes K from the link's fragment (or sessionStorage after a reload), removes it from
 * the address bar, and runs a ReceiverController for the session.
 */
export function useReceiver(sessionId: string) {
  const [controller, setController] = useState<ReceiverController | null>(null);

  useEffect(() => {
    const fromHash = keyFromHash(window.location.hash);
    if (fromHash) {
      sessionStorage.setItem(storageKey(sessionId), fromHash);
      history.replaceState(history.state, '', window.location.pathname + window.location.search);
    }
    const keyText = fromHash ?? sessionStorage.getItem(storageKey(sessionId));
    const created = new ReceiverController(sessionId, keyText);
    const start = setTimeout(() => {
      setController(created);
      void created.start();
    });
    // Leaving the page deletes received files kept in the browser's storage.
    const leave = () => created.dispose();
    window.addEventListener('pagehide', leave);
    return () => {
      clearTimeout(start);
      window.removeEventListener('pagehide', leave);
      created.dispose();
    };
  }, [sessionId]);

  const snapshot = useSyncExternalStore(controller?.store.subscribe ?? noop, controller?.store.get ?? (() => JOINING), () => JOINING);
  const chooseLocation = useCallback(() => void controller?.chooseLocation(), [controller]);
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
