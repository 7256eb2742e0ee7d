import type { Page } from '@playwright/test';
import { withTimeout } from './util';

// The baseline: a bare RTCDataChannel between two pages, no crypto and no app code,
// sending like the app does (same message size, same high/low water marks), so the
// app's rate can be judged against what the link itself delivers in this setup.

export const RAW_MESSAGE_BYTES = 262_144;
export const HIGH_WATER = 8 * 1024 * 1024;
export const LOW_WATER = 2 * 1024 * 1024;

// tsx compiles with esbuild's keepNames, which wraps inner functions in `__name(...)`;
// the page functions below run in the browser, where that helper does not exist.
const NAME_SHIM = 'globalThis.__name = (fn) => fn; true';

interface RawState {
  pc: RTCPeerConnection;
  channel?: RTCDataChannel;
  received: number;
  expected: number;
  done?: Promise<void>;
  settle?: (error?: string) => void;
}

declare global {
  interface Window {
    rawBench?: RawState;
  }
}

// ---- Page side: passed to page.evaluate, so each function must be self-contained. ----

/** Creates the offer (no `offer` given) or the answer; returns the local SDP with its candidates. */
async function pageDescribe({ offer, low }: { offer?: string; low: number }): Promise<string> {
  const pc = new RTCPeerConnection({ iceServers: [] });
  const state: RawState = { pc, received: 0, expected: 0 };
  window.rawBench = state;
  const adopt = (channel: RTCDataChannel) => {
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = low;
    state.channel = channel;
    channel.addEventListener('message', (event: MessageEvent<ArrayBuffer>) => {
      state.received += event.data.byteLength;
      if (state.received >= state.expected) state.settle?.();
    });
    channel.addEventListener('close', () => state.settle?.('channel closed'));
  };
  if (offer === undefined) {
    adopt(pc.createDataChannel('raw', { ordered: true }));
    await pc.setLocalDescription(await pc.createOffer());
  } else {
    pc.addEventListener('datachannel', (event) => adopt(event.channel));
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await pc.setLocalDescription(await pc.createAnswer());
  }
  // Non-trickle: wait for gathering so the SDP carries the loopback candidate.
  await new Promise<void>((resolve) => {
    setTimeout(resolve, 5000);
    if (pc.iceGatheringState === 'complete') resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  });
  return pc.localDescription!.sdp;
}

async function pageAccept(answer: string): Promise<void> {
  await window.rawBench!.pc.setRemoteDescription({ type: 'answer', sdp: answer });
}

async function pageWaitOpen(): Promise<number> {
  const state = window.rawBench!;
  while (state.channel?.readyState !== 'open') await new Promise((r) => setTimeout(r, 10));
  return state.pc.sctp?.maxMessageSize ?? 0;
}

function pageArm(expected: number): void {
  const state = window.rawBench!;
  state.received = 0;
  state.expected = expected;
  state.done = new Promise<void>((resolve, reject) => {
    state.settle = (error) => (error ? reject(new Error(error)) : resolve());
  });
}

function pageReceived(): Promise<void> | undefined {
  return window.rawBench!.done;
}

async function pageSend({ total, size, high }: { total: number; size: number; high: number }): Promise<void> {
  const channel = window.rawBench!.channel!;
  const message = new Uint8Array(size);
  // getRandomValues fills at most 64 KiB per call.
  for (let at = 0; at < size; at += 65_536) crypto.getRandomValues(message.subarray(at, at + 65_536));
  let sent = 0;
  while (sent < total) {
    if (channel.readyState !== 'open') throw new Error(`channel ${channel.readyState}`);
    if (channel.bufferedAmount > high) {
      await new Promise<void>((resolve) => {
        if (channel.bufferedAmount <= channel.bufferedAmountLowThreshold) return resolve();
        channel.addEventListener('bufferedamountlow', () => resolve(), { once: true });
        channel.addEventListener('close', () => resolve(), { once: true });
      });
      continue;
    }
    const n = Math.min(size, total - sent);
    channel.send(n === size ? message : message.subarray(0, n));
    sent += n;
  }
}

function pageClose(): void {
  window.rawBench?.pc.close();
  delete window.rawBench;
}

// ---- Node side. ----

export interface RawLink {
  /** Sends `bytes` and returns the ms from the first send to the last byte received. */
  transfer(bytes: number, timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

/** Connects sender → receiver, passing the SDP (candidates included) through Node. */
export async function connectRaw(sender: Page, receiver: Page): Promise<RawLink> {
  await Promise.all([sender.evaluate(NAME_SHIM), receiver.evaluate(NAME_SHIM)]);
  const offer = await sender.evaluate(pageDescribe, { low: LOW_WATER });
  const answer = await receiver.evaluate(pageDescribe, { offer, low: LOW_WATER });
  await sender.evaluate(pageAccept, answer);
  const opened = Promise.all([sender.evaluate(pageWaitOpen), receiver.evaluate(pageWaitOpen)]);
  const [maxMessageSize] = await withTimeout(opened, 15_000, 'raw channel open');
  if (maxMessageSize < RAW_MESSAGE_BYTES) throw new Error(`maxMessageSize ${maxMessageSize} < ${RAW_MESSAGE_BYTES}`);
  return {
    async transfer(bytes, timeoutMs) {
      await receiver.evaluate(pageArm, bytes);
      const start = performance.now();
      const received = receiver.evaluate(pageReceived);
      const sent = sender.evaluate(pageSend, { total: bytes, size: RAW_MESSAGE_BYTES, high: HIGH_WATER });
      await withTimeout(Promise.all([sent, received]), timeoutMs, `raw transfer of ${bytes} bytes`);
      return performance.now() - start;
    },
    async close() {
      await Promise.all([sender.evaluate(pageClose), receiver.evaluate(pageClose)]);
    },
  };
}
