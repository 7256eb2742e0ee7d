import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import type { Targets } from './ipc';

// One session as browsers make it (protocol §3): POST /api/session, the sender's socket
// joins with its token, then the receiver's joins and the sender is told `peer-joined`.

const STEP_TIMEOUT_MS = 30_000;

export interface Pair {
  sessionId: string;
  sender: Socket;
  receiver: Socket;
  /** Learnt by the sender from `peer-joined`, as the app's sender learns it. */
  receiverPeerId: string;
}

export interface Opened {
  pair: Pair;
  postMs: number;
  /** Receiver's `join` emitted → sender's `peer-joined` received. */
  joinMs: number;
}

export interface PairHooks {
  /** A `signal` reached the receiver; `at` is taken first thing in the handler. */
  onSignal(ct: string, at: number): void;
  /** A held socket dropped without us asking. */
  onDrop(reason: string): void;
  /** Something the server said that explains drops. */
  onNotice(what: string): void;
}

type Ack = { ok: true; peerId?: string } | { ok: false; code: string; message?: string };

async function connect(url: string): Promise<Socket> {
  // No reconnection: a dropped socket must show up as a drop, not be hidden by a retry.
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: STEP_TIMEOUT_MS });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error: Error) => reject(new Error(`connect: ${error.message}`)));
    });
    return socket;
  } catch (error) {
    socket.close();
    throw error;
  }
}

async function createSession(httpUrl: string): Promise<{ id: string; senderToken: string }> {
  const response = await fetch(`${httpUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  }).catch((error: unknown) => {
    throw new Error(`POST /api/session: ${describe(error)}`);
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST /api/session: ${response.status} ${text.slice(0, 120)}`);
  return JSON.parse(text) as { id: string; senderToken: string };
}

async function join(socket: Socket, payload: Record<string, string>): Promise<Ack & { ok: true }> {
  const ack = (await socket
    .timeout(STEP_TIMEOUT_MS)
    .emitWithAck('join', payload)
    .catch((error: Error) => ({ ok: false as const, code: error.message }))) as Ack;
  if (!ack.ok) throw new Error(`join as ${payload.role}: ${ack.code}`);
  return ack;
}

/** fetch() says only "fetch failed"; the reason (ECONNRESET, EMFILE…) is in its cause. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${(error.cause as NodeJS.ErrnoException).code ?? error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function nextPeerJoined(sender: Socket): Promise<{ at: number; peerId: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no peer-joined')), STEP_TIMEOUT_MS);
    sender.once('peer-joined', (peer: { peerId: string }) => {
      clearTimeout(timer);
      resolve({ at: performance.now(), peerId: peer.peerId });
    });
  });
}

export async function openSession(targets: Targets, hooks: PairHooks): Promise<Opened> {
  const sockets: Socket[] = [];
  try {
    const posted = performance.now();
    const { id, senderToken } = await createSession(targets.httpUrl);
    const postMs = performance.now() - posted;

    const sender = await connect(targets.senderUrl);
    sockets.push(sender);
    await join(sender, { sessionId: id, role: 'sender', senderToken });
    const receiver = await connect(targets.receiverUrl);
    sockets.push(receiver);
    const peerJoined = nextPeerJoined(sender);
    peerJoined.catch(() => {}); // the join below may fail first; its error is the one reported
    const joinSent = performance.now();
    await join(receiver, { sessionId: id, role: 'receiver' });
    const { at, peerId } = await peerJoined;

    receiver.on('signal', (delivery: { envelope: { ct: string } }) => hooks.onSignal(delivery.envelope.ct, performance.now()));
    for (const [role, socket] of [['sender', sender], ['receiver', receiver]] as const) {
      socket.on('disconnect', (reason: string) => {
        if (reason !== 'io client disconnect') hooks.onDrop(`${role}: ${reason}`);
      });
      // Said just before the server drops a session's sockets: names the cause of a drop.
      socket.on('session-closed', (closed: { reason: string }) => hooks.onNotice(`${role}: session-closed (${closed.reason})`));
    }
    return { pair: { sessionId: id, sender, receiver, receiverPeerId: peerId }, postMs, joinMs: at - joinSent };
  } catch (error) {
    for (const socket of sockets) socket.close();
    throw error;
  }
}

/** Ends a session the way the app's sender does once a transfer verified, then lets go. */
export async function endSession(pair: Pair): Promise<void> {
  // The server disconnects both sockets after `end`: expected here, not a drop.
  for (const socket of [pair.sender, pair.receiver]) socket.removeAllListeners('disconnect').removeAllListeners('session-closed');
  try {
    await pair.sender
      .timeout(STEP_TIMEOUT_MS)
      .emitWithAck('end', {})
      .catch((error: Error) => {
        throw new Error(`end: ${error.message}`);
      });
  } finally {
    pair.sender.close();
    pair.receiver.close();
  }
}

/**
 * A sealed-looking envelope whose ciphertext carries a sequence number, so the receiver
 * can match a delivery to its send time. The server only checks the base64url shape.
 */
export function envelopeFactory(ciphertextBytes: number): { make(seq: number): object; seqOf(ct: string): number } {
  const length = Math.max(22, Math.ceil((ciphertextBytes * 4) / 3));
  const padding = 'A'.repeat(length);
  const nonce = 'N'.repeat(16);
  return {
    make(seq) {
      const head = `s${seq.toString(36)}_`;
      return { type: 'ice', nonce, ct: head + padding.slice(head.length) };
    },
    seqOf(ct) {
      return ct.startsWith('s') ? parseInt(ct.slice(1, ct.indexOf('_')), 36) : NaN;
    },
  };
}
