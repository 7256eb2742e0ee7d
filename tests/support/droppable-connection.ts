import { confirmationTranscript } from '../../lib/crypto/key-confirmation';
import type { SessionKeys } from '../../lib/crypto/keys';
import { VaultError } from '../../lib/protocol/errors';
import { decodeFrame, type ChunkFrame } from '../../lib/protocol/frames';
import type { TransferConnection } from '../../lib/transfer/send-session';
import { memoryPortPair } from './memory-port';

// One in-memory connection that dies after a number of chunk frames: from then on
// nothing is delivered either way, as when a Wi-Fi hand-over kills a DataChannel.

export const TRANSCRIPT = confirmationTranscript('session-under-test-000', ['sha-256 aa:bb'], ['sha-256 cc:dd']);

export interface DroppableConnection {
  sender: TransferConnection;
  receiver: TransferConnection;
  /** Every chunk frame the sender sealed and sent on this connection, delivered or not, with its ciphertext. */
  chunksSent: ChunkFrame[];
  /** Resolves when the connection died (never, if it outlives the transfer). */
  dropped: Promise<VaultError>;
  wire(onSender: (frame: Uint8Array) => void, onReceiver: (frame: Uint8Array) => void): void;
}

/** Where a connection dies: after this many chunk frames, or as the first file-end goes. */
export type DropPoint = number | 'file-end';

export function droppableConnection(keys: SessionKeys, dropAt: DropPoint = Infinity): DroppableConnection {
  let dead = false;
  let die!: (error: VaultError) => void;
  const dropped = new Promise<VaultError>((resolve) => (die = resolve));
  const chunksSent: ChunkFrame[] = [];
  const pair = memoryPortPair(
    // What left before the drop is on the wire and arrives; the drop point is exact.
    (frame, deliver) => deliver(frame),
    (frame, deliver) => {
      if (!dead) deliver(frame);
    },
  );
  // Count at send time: a chunk sealed and lost with its connection still used its nonce.
  // Its ciphertext is kept, so a test can prove which key and nonce really sealed it.
  const senderPort = {
    ...pair.a,
    send(frame: Uint8Array) {
      const decoded = decodeFrame(frame);
      if (decoded.type === 'chunk') chunksSent.push({ ...decoded, fileId: decoded.fileId.slice(), ciphertext: decoded.ciphertext.slice() });
      const drop = decoded.type === 'chunk' ? chunksSent.length >= (dropAt === 'file-end' ? Infinity : dropAt) : decoded.type === dropAt;
      if (drop && !dead) {
        dead = true;
        setTimeout(() => die(new VaultError('channel_closed', 'connection dropped by the test')), 0);
      }
      if (!dead) pair.a.send(frame);
    },
  };
  return {
    sender: { keys, port: senderPort, transcript: TRANSCRIPT },
    receiver: { keys, port: pair.b, transcript: TRANSCRIPT },
    chunksSent,
    dropped,
    wire(onSender, onReceiver) {
      pair.onReceiveA(onSender);
      pair.onReceiveB(onReceiver);
    },
  };
}
