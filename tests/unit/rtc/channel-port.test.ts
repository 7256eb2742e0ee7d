import { describe, expect, it } from 'vitest';
import { channelPort } from '../../../lib/rtc/channel-port';
import { HIGH_WATER_MARK, sendWithBackpressure } from '../../../lib/transfer/port';

/** What channelPort uses of an RTCDataChannel; a closed one keeps its bufferedAmount, as in browsers. */
class FakeChannel extends EventTarget {
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  readyState: RTCDataChannelState = 'open';
  sent: unknown[] = [];
  send(data: unknown) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 'closed';
    this.dispatchEvent(new Event('close'));
  }
}

const open = () => {
  const channel = new FakeChannel();
  return { channel, port: channelPort(channel as unknown as RTCDataChannel) };
};

describe('channel port backpressure', () => {
  it('waits while the queue is over the high-water mark and sends once it drained', async () => {
    const { channel, port } = open();
    channel.bufferedAmount = HIGH_WATER_MARK + 1;
    const sending = sendWithBackpressure(port, new Uint8Array([1]));
    await Promise.resolve();
    expect(channel.sent).toHaveLength(0);
    channel.bufferedAmount = 0;
    channel.dispatchEvent(new Event('bufferedamountlow'));
    await sending;
    expect(channel.sent).toHaveLength(1);
  });

  it('a sender waiting on a full queue fails with channel_closed when we close the port', async () => {
    const { channel, port } = open();
    channel.bufferedAmount = HIGH_WATER_MARK + 1;
    const sending = sendWithBackpressure(port, new Uint8Array([1]));
    port.close();
    await expect(sending).rejects.toMatchObject({ code: 'channel_closed' });
    expect(channel.sent).toHaveLength(0);
  });

  it('and when the peer closes the channel, or it was closed before', async () => {
    const { channel, port } = open();
    channel.bufferedAmount = HIGH_WATER_MARK + 1;
    const sending = sendWithBackpressure(port, new Uint8Array([1]));
    channel.close();
    await expect(sending).rejects.toMatchObject({ code: 'channel_closed' });
    await expect(sendWithBackpressure(port, new Uint8Array([2]))).rejects.toMatchObject({ code: 'channel_closed' });
  });
});
