import type { VaultError } from '../protocol/errors';
import type { TransferErrorCode } from '../protocol/errors';
import { ReceiveEngine, type SinkOpener } from './receive-engine';
import { dispatchFromEngine, type ReceiveBackend, type ReceiveWorkerEvents } from './receive-worker-client';
import type { ToWorker, WorkerStart } from './receive-worker-protocol';

/**
 * The receive engine on the caller's own thread, for hosts without Workers (the
 * command-line peer). Messages go through a microtask, as they would through a
 * Worker, so the controller never re-enters itself.
 */
export class InProcessReceiver implements ReceiveBackend {
  private readonly engine: ReceiveEngine;
  private stopped = false;

  constructor(events: ReceiveWorkerEvents, openSink: SinkOpener) {
    this.engine = new ReceiveEngine((message) => {
      if (!this.stopped) queueMicrotask(() => void dispatchFromEngine(message, events, (reply) => this.post(reply)));
    }, openSink);
  }

  start(start: WorkerStart): void {
    this.post({ type: 'start', ...start });
  }

  frame(frame: Uint8Array): void {
    const data = frame.byteOffset === 0 && frame.byteLength === frame.buffer.byteLength ? (frame.buffer as ArrayBuffer) : frame.slice().buffer;
    this.post({ type: 'frame', data });
  }

  connection(id: number): void {
    this.post({ type: 'connection', id });
  }

  detach(): void {
    this.post({ type: 'detach' });
  }

  abort(error: VaultError): void {
    this.post({ type: 'abort', code: error.code as TransferErrorCode, message: error.message });
  }

  terminate(): void {
    this.stopped = true;
  }

  private post(message: ToWorker): void {
    if (!this.stopped) this.engine.handle(message);
  }
}
