import { createMemorySink } from '../../lib/storage/memory-sink';
import type { SessionKeys } from '../../lib/crypto/keys';
import type { FileSource } from '../../lib/transfer/file-source';
import { ReceiveSession, type ReceivedFile } from '../../lib/transfer/receive-session';
import { SendSession } from '../../lib/transfer/send-session';
import { droppableConnection, type DropPoint, type DroppableConnection } from './droppable-connection';

// Runs a real SendSession and ReceiveSession over in-memory connections that die after
// the given numbers of chunks, resuming over a fresh connection after each drop, the
// way the controllers do it.

export interface ResumableRun {
  received: ReceivedFile[];
  connections: { epoch: number; connection: DroppableConnection }[];
  bytesSent: number;
  bytesKept: number[];
}

export async function resumableTransfer(
  files: FileSource[],
  chunkSize: number,
  drops: DropPoint[],
  keysFor: (attempt: number) => Promise<SessionKeys>,
): Promise<ResumableRun> {
  const connections: ResumableRun['connections'] = [];
  const bytesKept: number[] = [];
  let connection = droppableConnection(await keysFor(0), drops[0]);
  const sender = new SendSession({ ...connection.sender, files, chunkSize });
  const receiver = new ReceiveSession({
    ...connection.receiver,
    createSink: async (file) => createMemorySink(file),
    onResumed: ({ bytesKept: kept }) => bytesKept.push(kept),
  });
  for (let attempt = 0; ; attempt++) {
    const current = connection;
    connections.push({ epoch: sender.epoch, connection: current });
    current.wire(
      (frame) => sender.receive(frame),
      (frame) => receiver.receive(frame),
    );
    const run = sender.run();
    run.catch(() => {});
    const outcome = await Promise.race([run.then(() => 'done' as const), current.dropped]);
    if (outcome === 'done') break;
    sender.interrupt(outcome);
    receiver.detach();
    await run.catch(() => {});
    connection = droppableConnection(await keysFor(attempt + 1), drops[attempt + 1]);
    sender.resume(connection.sender);
    receiver.attach(connection.receiver);
  }
  return { received: await receiver.done, connections, bytesSent: sender.bytesSent, bytesKept };
}
