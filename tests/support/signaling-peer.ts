import { io, type Socket } from 'socket.io-client';
import type { CreateSessionResponse } from '../../lib/protocol/api';

// A real socket.io-client connection used as a peer in integration tests.

export type TestSocket = Socket;

export async function connect(url: string): Promise<TestSocket> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

export function emitAck<T = Record<string, unknown>>(socket: TestSocket, event: string, payload: unknown): Promise<T> {
  return socket.timeout(5_000).emitWithAck(event, payload) as Promise<T>;
}

export function nextEvent<T = unknown>(socket: TestSocket, event: string, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

export async function createSession(url: string, body?: { maxReceivers?: number }): Promise<CreateSessionResponse> {
  const response = await fetch(`${url}/api/session`, body ? { method: 'POST', body: JSON.stringify(body) } : { method: 'POST' });
  if (response.status !== 201) throw new Error(`create failed: ${response.status}`);
  return (await response.json()) as CreateSessionResponse;
}

/** A well-formed sealed-looking envelope; the server cannot tell it from a real one. */
export function envelope(type: 'offer' | 'answer' | 'ice' = 'offer', ctBytes = 64) {
  return {
    type,
    nonce: Buffer.alloc(12, 1).toString('base64url'),
    ct: Buffer.alloc(ctBytes, 2).toString('base64url'),
  };
}
