// The transfer's view of a DataChannel: enough to send frames with backpressure.
// lib/rtc adapts an RTCDataChannel to it; unit tests use an in-memory pair.

export interface FramePort {
  /**
   * Sends a frame. The caller may reuse the frame's memory once this returns: every
   * DataChannel (Chromium, Firefox, node-datachannel) copies it before returning.
   */
  send(frame: Uint8Array): void;
  /** Bytes queued in the channel and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** Resolves once bufferedAmount has fallen to the low-water mark; rejects once the port is closed. */
  drained(): Promise<void>;
}

/** Send-queue watermarks: keep the SCTP queue full but far below Chromium's ~16 MiB cap. */
export const HIGH_WATER_MARK = 8 * 1024 * 1024;
export const LOW_WATER_MARK = 2 * 1024 * 1024;

/** Sends once the port's queue is below the high-water mark; `frame` may build the frame only then. */
export async function sendWithBackpressure(port: FramePort, frame: Uint8Array | (() => Uint8Array)): Promise<void> {
  while (port.bufferedAmount > HIGH_WATER_MARK) await port.drained();
  port.send(typeof frame === 'function' ? frame() : frame);
}
