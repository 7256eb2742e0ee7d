'use client';

import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { SenderController } from '@/lib/client/sender-controller';
import type { SenderSnapshot } from '@/lib/client/transfer-status';
import { emptyProgress } from '@/lib/transfer/progress';

const IDLE: SenderSnapshot = {
  status: 'idle',
  link: null,
  expiresAt: null,
  files: [],
  progress: emptyProgress(),
  speed: null,
  maxReceivers: 1,
  receivers: [],
  error: null,
  notice: null,
};
const noop = () => () => {};

interface Shared {
  files: File[];
  maxReceivers: number;
}

/**
 * Wires a SenderController to React: `share(files, maxReceivers)` starts a session,
 * `stopReceiver(peerId)` stops one receiver, `reset()` ends it all.
 */
export function useSender() {
  const [shared, setShared] = useState<Shared | null>(null);
  const [controller, setController] = useState<SenderController | null>(null);

  useEffect(() => {
    if (!shared) return;
    const created = new SenderController(shared.files, window.location.origin, { maxReceivers: shared.maxReceivers });
    // Start on the next task: StrictMode's immediate unmount disposes it unstarted,
    // so a session is never created twice.
    const start = setTimeout(() => {
      setController(created);
      void created.start();
    });
    return () => {
      clearTimeout(start);
      created.dispose();
    };
  }, [shared]);

  const snapshot = useSyncExternalStore(controller?.store.subscribe ?? noop, controller?.store.get ?? (() => IDLE), () => IDLE);

  // Leaving the page would end every receiver's transfer still under way: ask first.
  const busy = snapshot.receivers.some((r) => r.status === 'connecting' || r.status === 'sending');
  useEffect(() => {
    if (!busy) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [busy]);

  const share = useCallback(
    (picked: File[], maxReceivers = 1) => setShared(picked.length > 0 ? { files: picked, maxReceivers } : null),
    [],
  );
  const stopReceiver = useCallback((peerId: string) => controller?.stopReceiver(peerId), [controller]);
  const reset = useCallback(() => {
    setShared(null);
    setController(null);
  }, []);
  return { snapshot: shared ? snapshot : IDLE, share, stopReceiver, reset };
}
