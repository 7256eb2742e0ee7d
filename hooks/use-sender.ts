'use client';

import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { SenderController } from '@/lib/client/sender-controller';
import type { SenderSnapshot } from '@/lib/client/transfer-status';
import { emptyProgress } from '@/lib/transfer/progress';

const IDLE: SenderSnapshot = { status: 'idle', link: null, expiresAt: null, files: [], progress: emptyProgress(), speed: null, error: null, notice: null };
const noop = () => () => {};

/** Wires a SenderController to React: `share(files)` starts a session, `reset()` ends it. */
export function useSender() {
  const [files, setFiles] = useState<File[] | null>(null);
  const [controller, setController] = useState<SenderController | null>(null);

  useEffect(() => {
    if (!files) return;
    const created = new SenderController(files, window.location.origin);
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
  }, [files]);

  const snapshot = useSyncExternalStore(controller?.store.subscribe ?? noop, controller?.store.get ?? (() => IDLE), () => IDLE);

  // Leaving the page mid-transfer would end it: ask first.
  const busy = snapshot.status === 'sending' || snapshot.status === 'connecting';
  useEffect(() => {
    if (!busy) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [busy]);

  const share = useCallback((picked: File[]) => setFiles(picked.length > 0 ? picked : null), []);
  // A new session (new link and key) for the same files.
  const retry = useCallback(() => setFiles((current) => (current ? [...current] : null)), []);
  const reset = useCallback(() => {
    setFiles(null);
    setController(null);
  }, []);
  return { snapshot: files ? snapshot : IDLE, share, retry, reset };
}
