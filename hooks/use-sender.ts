'use client';

import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { workerFileHasher, type FileHasher } from '@/lib/client/file-hasher';
import { SenderController } from '@/lib/client/sender-controller';
import type { SenderSnapshot } from '@/lib/client/transfer-status';
import { emptyProgress } from '@/lib/transfer/progress';
import { addToSelection, removeFromSelection, type SelectedFile, type FileSelection } from '@/lib/transfer/selection';

const IDLE: SenderSnapshot = {
  status: 'idle',
  link: null,
  code: null,
  expiresAt: null,
  files: [],
  progress: emptyProgress(),
  speed: null,
  maxReceivers: 1,
  receivers: [],
  error: null,
  notice: null,
};
const NOTHING_CHOSEN: FileSelection = { files: [], skipped: [] };
const noop = () => () => {};

interface Shared {
  files: SelectedFile[];
  maxReceivers: number;
  /** Also make a short code. */
  code: boolean;
}

/**
 * Wires a SenderController to React. Before sharing, `add`/`remove` edit the list of
 * files (with their paths); `share(maxReceivers, code)` starts a session with it,
 * `stopReceiver(peerId)` stops one receiver, `retry()` shares the same files again
 * under a new link, `reset()` ends it all.
 */
export function useSender() {
  const [chosen, setChosen] = useState<FileSelection>(NOTHING_CHOSEN);
  const [shared, setShared] = useState<Shared | null>(null);
  const [controller, setController] = useState<SenderController | null>(null);
  // One hashing Worker for the page's life (started at the first file): files are hashed
  // as soon as they are chosen, and a retried share reuses the results.
  const [hasher] = useState<FileHasher | null>(() => (typeof Worker === 'function' ? workerFileHasher() : null));
  useEffect(() => () => hasher?.dispose(), [hasher]);
  useEffect(() => {
    for (const { file } of chosen.files) void hasher?.sha256(file).catch(() => {});
  }, [chosen, hasher]);

  useEffect(() => {
    if (!shared || !hasher) return;
    const created = new SenderController(shared.files, window.location.origin, { maxReceivers: shared.maxReceivers, code: shared.code, hasher });
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
  }, [shared, hasher]);

  const snapshot = useSyncExternalStore(controller?.store.subscribe ?? noop, controller?.store.get ?? (() => IDLE), () => IDLE);

  // Leaving the page would end every receiver's transfer still under way: ask first.
  const busy = snapshot.receivers.some((r) => r.status === 'connecting' || r.status === 'sending');
  useEffect(() => {
    if (!busy) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [busy]);

  const add = useCallback((picked: SelectedFile[]) => setChosen((current) => addToSelection(current.files, picked)), []);
  const remove = useCallback(
    (path: string) => setChosen((current) => ({ files: removeFromSelection(current.files, path), skipped: [] })),
    [],
  );
  // An empty list cannot be shared.
  const share = useCallback(
    (maxReceivers = 1, code = false) => setShared(chosen.files.length > 0 ? { files: chosen.files, maxReceivers, code } : null),
    [chosen],
  );
  // A new session (new link and key) for the same files.
  const retry = useCallback(() => setShared((current) => (current ? { ...current } : null)), []);
  const stopReceiver = useCallback((peerId: string) => controller?.stopReceiver(peerId), [controller]);
  const endSession = useCallback(() => controller?.endSession(), [controller]);
  const reset = useCallback(() => {
    setShared(null);
    setController(null);
    setChosen(NOTHING_CHOSEN);
  }, []);
  return { snapshot: shared ? snapshot : IDLE, chosen, add, remove, share, retry, stopReceiver, endSession, reset };
}
