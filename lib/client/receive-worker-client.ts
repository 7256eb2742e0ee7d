import { VaultError, type TransferErrorCode } from '../protocol/errors';
import type { Manifest } from '../protocol/messages';
import type { TransferProgress } from '../transfer/progress';
import type { FromWorker, StorageDecision, ToWorker, WorkerError, WorkerStart } from './receive-worker-protocol';

// The page's handle on the receive engine: frames in, frames and events out. The
// browser runs the engine in a Worker; the command-line peer runs it in-process.

export interface ReceiveWorkerEvents {
  send(frame: Uint8Array, connection: number): void;
  manifest(manifest: Manifest): Promise<StorageDecision>;
  progress(progress: TransferProgress): void;
  verified(fileId: string, sha256: string, file: Blob): void;
  done(): void;
  resumed(epoch: number, bytesKept: number): void;
  failed(error: WorkerError): void;
}

/** What the receiver controller drives: a Worker in the browser, the engine itself in Node. */
export interface ReceiveBackend {
  start(start: WorkerStart): void;
  frame(frame: Uint8Array): void;
  connection(id: number): void;
  detach(): void;
  abort(error: VaultError): void;
  terminate(): void;
}

export type ReceiveBackendFactory = (events: ReceiveWorkerEvents) => ReceiveBackend;

/** Routes one engine message to the controller; `reply` carries its storage decision back. */
export async function dispatchFromEngine(message: FromWorker, events: ReceiveWorkerEvents, reply: (message: ToWorker) => void): Promise<void> {
  switch (message.type) {
    case 'send':
      return events.send(new Uint8Array(message.data), message.connection);
    case 'manifest': {
      const decision = await events.manifest(message.manifest).catch(
        (error): StorageDecision => ({
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

/**
 * The backend's side of the message protocol, whatever carries it: a Worker's
 * postMessage or a direct call. Subclasses say how a message travels and how to stop.
 */
export abstract class EngineChannel implements ReceiveBackend {
  protected abstract post(message: ToWorker, transfer?: Transferable[]): void;
  abstract terminate(): void;

  start(start: WorkerStart): void {
    this.post({ type: 'start', ...start });
  }

  /** Hands a frame to the engine, moving (not copying) its buffer. */
  frame(frame: Uint8Array): void {
    const data =
      frame.byteOffset === 0 && frame.byteLength === frame.buffer.byteLength ? (frame.buffer as ArrayBuffer) : frame.slice().buffer;
    this.post({ type: 'frame', data }, [data]);
  }

  /** A new connection's channel opened: its frames follow, its keys come with `start`. */
  connection(id: number): void {
    this.post({ type: 'connection', id });
  }

  /** The connection dropped; the next `start` resumes the transfer over a new one. */
  detach(): void {
    this.post({ type: 'detach' });
  }

  abort(error: VaultError): void {
    this.post({ type: 'abort', code: error.code as TransferErrorCode, message: error.message });
  }
}

export class ReceiveWorkerClient extends EngineChannel {
  private readonly worker: Worker;

  constructor(events: ReceiveWorkerEvents) {
    super();
    this.worker = new Worker(new URL('./receive-worker.ts', import.meta.url), { type: 'module', name: 'p2pvault-receive' });
    this.worker.onmessage = ({ data: message }: MessageEvent<FromWorker>) => void dispatchFromEngine(message, events, (reply) => this.post(reply));
    this.worker.onerror = (event) => {
      event.preventDefault();
      events.failed({ code: 'protocol_violation', message: `receive worker crashed: ${event.message}` });
    };
  }

  terminate(): void {
    this.worker.terminate();
  }

  protected post(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }
}
