import { ReceiveEngine, type SinkOpener } from './receive-engine';
import { dispatchFromEngine, EngineChannel, type ReceiveWorkerEvents } from './receive-worker-client';
import type { ToWorker } from './receive-worker-protocol';

/**
 * The receive engine on the caller's own thread, for hosts without Workers (the
 * command-line peer). Messages go through a microtask, as they would through a
 * Worker, so the controller never re-enters itself.
 */
export class InProcessReceiver extends EngineChannel {
  private readonly engine: ReceiveEngine;
  private stopped = false;

  constructor(events: ReceiveWorkerEvents, openSink: SinkOpener) {
    super();
    this.engine = new ReceiveEngine((message) => {
      if (!this.stopped) queueMicrotask(() => void dispatchFromEngine(message, events, (reply) => this.post(reply)));
    }, openSink);
  }

  terminate(): void {
    this.stopped = true;
  }

  protected post(message: ToWorker): void {
    if (!this.stopped) this.engine.handle(message);
  }
}
