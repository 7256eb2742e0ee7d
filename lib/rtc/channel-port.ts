import { VaultError } from '../protocol/errors';
import { LOW_WATER_MARK, type FramePort } from '../transfer/port';

// Adapts an open RTCDataChannel to the transfer's FramePort, with backpressure on
// bufferedAmount and frames delivered as bytes.

export interface ChannelPort extends FramePort {
  onFrame(listener: (frame: Uint8Array) => void): void;
  onClose(listener: (error: VaultError) => void): void;
  close(): void;
}

export function channelPort(channel: RTCDataChannel): ChannelPort {
  channel.bufferedAmountLowThreshold = LOW_WATER_MARK;
  let closed = false;
  const waiters = new Set<() => void>();
  const release = () => {
    for (const resolve of waiters) resolve();
    waiters.clear();
  };
  channel.addEventListener('bufferedamountlow', release);
  let closeListener: (error: VaultError) => void = () => {};
  channel.addEventListener('close', () => {
    closed = true;
    release();
    closeListener(new VaultError('channel_closed', 'the connection to the other browser closed'));
  });

  return {
    send(frame) {
      if (closed || channel.readyState !== 'open') throw new VaultError('channel_closed', 'the connection is closed');
      channel.send(frame as Uint8Array<ArrayBuffer>);
    },
    get bufferedAmount() {
      return channel.bufferedAmount;
    },
    drained() {
      // A closed channel keeps its bufferedAmount, so it would never count as drained:
      // reject, or a sender waiting to send would spin on it and hang the page.
      if (closed) return Promise.reject(new VaultError('channel_closed', 'the connection is closed'));
      if (channel.bufferedAmount <= channel.bufferedAmountLowThreshold) return Promise.resolve();
      return new Promise((resolve) => waiters.add(resolve));
    },
    onFrame(listener) {
      channel.onmessage = ({ data }) => listener(data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(0));
    },
    onClose(listener) {
      closeListener = listener;
    },
    close() {
      closed = true;
      release();
      channel.close();
    },
  };
}
