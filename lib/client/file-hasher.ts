import { sha256OfBlob } from '../transfer/file-hash';

// The sender's SHA-256 of each file, computed once per file from the moment it is
// chosen, not chunk by chunk while it is sent: people share a link and wait for the
// other side to open it, and a transfer whose sender is not also hashing keeps more of
// the CPU for the channel (docs/performance.md). Every receiver of the file, a resumed
// connection and a retried share all use the same result.

export interface FileHasher {
  /** The file's SHA-256, hex; asked again for the same file, the same promise. */
  sha256(file: Blob): Promise<string>;
  /** Stops any hashing and forgets every result; the hasher may be used again after. */
  dispose(): void;
}

type Reply = { id: number; sha256: string } | { id: number; error: string };

/** A hasher that asks `hash` once per file and hands out that one promise after. */
export function memoizedHasher(hash: (file: Blob) => Promise<string>, stop: () => void = () => {}): FileHasher {
  let results = new WeakMap<Blob, Promise<string>>();
  return {
    sha256(file) {
      let result = results.get(file);
      if (!result) {
        results.set(file, (result = hash(file)));
        result.catch(() => {}); // whoever asked sees the failure
      }
      return result;
    },
    dispose() {
      stop();
      results = new WeakMap();
    },
  };
}

/** Hashes on the calling thread: the command-line peer's fallback, and tests. */
export function inlineFileHasher(): FileHasher {
  return memoizedHasher(sha256OfBlob);
}

/**
 * Hashes in a Worker (lib/client/hash-worker.ts), so the page stays responsive while a
 * large file is read. The Worker starts at the first file, not before.
 */
export function workerFileHasher(
  createWorker = () => new Worker(new URL('./hash-worker.ts', import.meta.url), { type: 'module', name: 'p2pvault-hash' }),
): FileHasher {
  let worker: Worker | null = null;
  let nextId = 0;
  const pending = new Map<number, { resolve: (sha256: string) => void; reject: (error: Error) => void }>();
  const started = () => {
    if (worker) return worker;
    worker = createWorker();
    worker.onmessage = ({ data }: MessageEvent<Reply>) => {
      const waiting = pending.get(data.id);
      pending.delete(data.id);
      if ('sha256' in data) waiting?.resolve(data.sha256);
      else waiting?.reject(new Error(data.error));
    };
    return worker;
  };
  return memoizedHasher(
    (file) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        started().postMessage({ id, file });
      }),
    () => {
      worker?.terminate();
      worker = null;
      for (const { reject } of pending.values()) reject(new Error('hashing stopped'));
      pending.clear();
    },
  );
}

/**
 * Starts hashing every file now and reports each result as it comes; a file that cannot
 * be read is not reported (its transfer fails, where the error is shown).
 */
export function hashEach(hasher: FileHasher, files: readonly Blob[], hashed: (index: number, sha256: string) => void): void {
  files.forEach((file, index) => {
    hasher.sha256(file).then(
      (sha256) => hashed(index, sha256),
      () => {},
    );
  });
}
