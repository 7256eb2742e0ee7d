// The receiver's Worker: a ReceiveEngine off the page's main thread. Sinks: OPFS sync
// access handles, a picked file, or memory.
import { createMemorySink } from '../storage/memory-sink';
import { createOpfsSink, incomingDirectory } from '../storage/opfs-sink';
import { createWritableSink } from '../storage/writable-sink';
import { ReceiveEngine, type SinkOpener } from './receive-engine';
import type { FromWorker, ToWorker } from './receive-worker-protocol';

const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};

const openSink: SinkOpener = async (place, manifest, file) => {
  switch (place.kind) {
    case 'opfs':
      return createOpfsSink(await incomingDirectory(), `${manifest.transferId}-${file.fileId}`, file);
    case 'picker':
      return createWritableSink(place.handle, file);
    case 'memory':
      return createMemorySink(file);
  }
};

const engine = new ReceiveEngine((message, transfer) => scope.postMessage(message, transfer), openSink);
scope.onmessage = ({ data }) => engine.handle(data);
