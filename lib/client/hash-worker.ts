// The sender's hashing Worker (lib/client/file-hasher.ts): SHA-256 of whole files, one
// after another, off the page's main thread.
import { sha256OfBlob } from '../transfer/file-hash';

const scope = self as unknown as {
  postMessage(message: { id: number; sha256: string } | { id: number; error: string }): void;
  onmessage: ((event: MessageEvent<{ id: number; file: Blob }>) => void) | null;
};

let queue: Promise<void> = Promise.resolve();
scope.onmessage = ({ data: { id, file } }) => {
  queue = queue.then(() =>
    sha256OfBlob(file).then(
      (sha256) => scope.postMessage({ id, sha256 }),
      (error: unknown) => scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
    ),
  );
};
