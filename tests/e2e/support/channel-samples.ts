import type { Page } from '@playwright/test';

// Samples what a page hands its DataChannels (sealed chunk and control frames, the
// ciphertext that must only ever travel peer to peer), so a test can look for those
// bytes in what passed through the server. Call before the page navigates.

export interface ChannelSample {
  /** the frame's type byte (4 = chunk) */
  type: number;
  size: number;
  /** 48 bytes from the middle of the frame: ciphertext, never a header */
  bytes: Buffer;
}

const MAX_SAMPLES = 512;

export async function channelSamples(page: Page): Promise<() => Promise<ChannelSample[]>> {
  await page.context().addInitScript((max: number) => {
    const w = window as unknown as { __channelSamples: { type: number; size: number; hex: string }[] };
    w.__channelSamples = [];
    const send = RTCDataChannel.prototype.send as (this: RTCDataChannel, data: unknown) => void;
    RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: unknown) {
      const bytes = ArrayBuffer.isView(data)
        ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        : data instanceof ArrayBuffer ? new Uint8Array(data) : null;
      if (bytes && bytes.length >= 64 && w.__channelSamples.length < max) {
        const middle = bytes.subarray((bytes.length >> 1) - 24, (bytes.length >> 1) + 24);
        w.__channelSamples.push({ type: bytes[0]!, size: bytes.length, hex: Array.from(middle, (b) => b.toString(16).padStart(2, '0')).join('') });
      }
      return send.call(this, data);
    } as typeof RTCDataChannel.prototype.send;
  }, MAX_SAMPLES);
  return async () => {
    const samples = await page.evaluate(() => (window as unknown as { __channelSamples: { type: number; size: number; hex: string }[] }).__channelSamples);
    return samples.map(({ type, size, hex }) => ({ type, size, bytes: Buffer.from(hex, 'hex') }));
  };
}
