'use client';

import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { SenderController } from '@/lib/client/sender-controller';
import type { SenderSnapshot } from '@/lib/client/transfer-status';
import { emptyProgress } from '@/lib/transfer/progress';
import { addToSelection, removeFromSelection, type SelectedFile, type FileSelection } from '@/lib/transfer/selection';

const IDLE: SenderSnapshot = { status: 'idle', link: null, expiresAt: null, files: [], progress: emptyProgress(), speed: null, error: null, notice: null };
const NOTHING_CHOSEN: FileSelection = { files: [], skipped: [] };
const noop = () => () => {};

/**
 * Wires a SenderController to React. Before sharing, `add`/`remove` edit the list of
 * files (with their paths); `share()` starts a session with it, `reset()` ends it.
 */
export function useSender() {
  const [chosen, setChosen] = useState<FileSelection>(NOTHING_CHOSEN);
  const [files, setFiles] = useState<SelectedFile[] | null>(null);
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

  const add = useCallback((picked: SelectedFile[]) => setChosen((current) => addToSelection(current.files, picked)), []);
  const remove = useCallback(
    (path: string) => setChosen((current) => ({ files: removeFromSelection(current.files, path), skipped: [] })),
    [],
  );
  // An empty list cannot be shared.
  const share = useCallback(() => setFiles(chosen.files.length > 0 ? chosen.files : null), [chosen]);
  // A new session (new link and key) for the same files.
  const retry = useCallback(() => setFiles((current) => (current ? [...current] : null)), []);
  const reset = useCallback(() => {
    setFiles(null);
    setController(null);
    setChosen(NOTHING_CHOSEN);
  }, []);
  return { snapshot: files ? snapshot : IDLE, chosen, add, remove, share, retry, reset };
}
