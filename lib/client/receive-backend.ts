import { VaultError, type TransferErrorCode } from '../protocol/errors';
import type { Manifest } from '../protocol/messages';
import type { TransferProgress } from '../transfer/progress';
import { ReceiveEngine, type SinkOpener } from './receive-engine';
import type { BrowserPlace, FromWorker, Placed, StorageDecision, ToWorker, WorkerError, WorkerStart } from './receive-worker-protocol';

// The one seam between the receiver and its ReceiveEngine: frames in, frames and events
// out. The browser runs the engine in a Worker; the command-line peer runs it in-process.
// Either way the same messages (receive-worker-protocol) travel, so both hosts run one path.

/** What the engine reports back. */
export interface ReceiveEvents<Place extends Placed = BrowserPlace> {
  send(frame: Uint8Array, connection: number): void;
  manifest(manifest: Manifest): Promise<StorageDecision<Place>>;
  progress(progress: TransferProgress): void;
  verified(fileId: string, sha256: string, file: Blob): void;
  done(): void;
  resumed(epoch: number, bytesKept: number): void;
  failed(error: WorkerError): void;
}

/** The engine as the receiver drives it. */
export interface ReceiveBackend {
  start(start: WorkerStart): void;
  frame(frame: Uint8Array): void;
  /** A new connection's channel opened: its frames follow, its keys come with `start`. */
  connection(id: number): void;
  /** The connection dropped; the next `start` resumes the transfer over a new one. */
  detach(): void;
  abort(error: VaultError): void;
  terminate(): void;
}

export type ReceiveBackendFactory<Place extends Placed = BrowserPlace> = (events: ReceiveEvents<Place>) => ReceiveBackend;

/** Routes one engine message to the receiver; `reply` carries its storage decision back. */
export async function dispatchFromEngine<Place extends Placed>(message: FromWorker, events: ReceiveEvents<Place>, reply: (message: ToWorker<Place>) => void): Promise<void> {
  switch (message.type) {
    case 'send':
      return events.send(new Uint8Array(message.data), message.connection);
    case 'manifest': {
      const decision = await events.manifest(message.manifest).catch(
        (error): StorageDecision<Place> => ({
          kind: 'refuse',
          code: error instanceof VaultError ? (error.code as TransferErrorCode) : 'cancelled',
          message: error instanceof Error ? error.message : String(error),
        }),
      );
      return reply({ type: 'storage', decision });
    }
    case 'progress':
      return events.progress(message.progress);
    case 'verified':
      return events.verified(message.fileId, message.sha256, message.file);
    case 'done':
      return events.done();
    case 'resumed':
      return events.resumed(message.epoch, message.bytesKept);
    case 'failed':
      return events.failed(message.error);
  }
}

/** A backend over whatever carries the messages: a Worker's postMessage or a direct call. */
export function messageBackend<Place extends Placed>(post: (message: ToWorker<Place>, transfer?: Transferable[]) => void, terminate: () => void): ReceiveBackend {
  return {
    start: (start) => post({ type: 'start', ...start }),
    frame: (frame) => {
      // The buffer moves to the engine, not a copy of it.
      const data =
        frame.byteOffset === 0 && frame.byteLength === frame.buffer.byteLength ? (frame.buffer as ArrayBuffer) : frame.slice().buffer;
      post({ type: 'frame', data }, [data]);
    },
    connection: (id) => post({ type: 'connection', id }),
    detach: () => post({ type: 'detach' }),
    abort: (error) => post({ type: 'abort', code: error.code as TransferErrorCode, message: error.message }),
    terminate,
  };
}

/** The engine in a dedicated Worker (receive-worker.ts), off the page's main thread. */
export const workerBackend: ReceiveBackendFactory = (events) => {
  const worker = new Worker(new URL('./receive-worker.ts', import.meta.url), { type: 'module', name: 'p2pvault-receive' });
  const backend = messageBackend(
    (message, transfer = []) => worker.postMessage(message, transfer),
    () => worker.terminate(),
  );
  worker.onmessage = ({ data: message }: MessageEvent<FromWorker>) => void dispatchFromEngine(message, events, (reply) => worker.postMessage(reply));
  worker.onerror = (event) => {
    event.preventDefault();
    events.failed({ code: 'protocol_violation', message: `receive worker crashed: ${event.message}` });
  };
  return backend;
};

/**
 * The engine on the caller's own thread, for hosts without Workers (the command-line
 * peer). Messages go through a microtask, as they would through a Worker, so the
 * receiver never re-enters itself.
 */
export function inProcessBackend<Place extends Placed>(openSink: SinkOpener<Place>): ReceiveBackendFactory<Place> {
  return (events) => {
    let stopped = false;
    const post = (message: ToWorker<Place>) => {
      if (!stopped) engine.handle(message);
    };
    const engine = new ReceiveEngine((message) => {
      if (!stopped) queueMicrotask(() => void dispatchFromEngine(message, events, post));
    }, openSink);
    return messageBackend(post, () => (stopped = true));
  };
}
