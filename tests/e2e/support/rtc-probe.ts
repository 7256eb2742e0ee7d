import type { Page } from '@playwright/test';

// Instruments a page's WebRTC from outside our code: every RTCPeerConnection it makes,
// and the bytes each DataChannel was asked to send. Call before the page navigates.

interface ProbeWindow {
  __pcs: RTCPeerConnection[];
  __channelBytes: number[];
  __blocked: boolean;
}

export async function rtcProbe(page: Page): Promise<{
  /** Closes every PeerConnection the page has: its connection drops as on a network failure. */
  closeConnections: () => Promise<number>;
  /** Bytes handed to `send` per DataChannel, in the order the channels first sent. */
  channelBytes: () => Promise<number[]>;
  /** From now on no new PeerConnection of the page can connect, as with the network gone. */
  blockNewConnections: () => Promise<void>;
}> {
  await page.context().addInitScript(() => {
    const w = window as unknown as ProbeWindow;
    w.__pcs = [];
    w.__channelBytes = [];
    w.__blocked = false;
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Native {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        w.__pcs.push(this);
        // "No network": a connection made now can never be set up.
        if (w.__blocked) this.setRemoteDescription = () => Promise.reject(new Error('no network (test)'));
      }
    };
    const send = RTCDataChannel.prototype.send as (this: RTCDataChannel, data: unknown) => void;
    const index = new WeakMap<RTCDataChannel, number>();
    RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: unknown) {
      if (!index.has(this)) index.set(this, w.__channelBytes.push(0) - 1);
      const size = data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data.byteLength : data instanceof Blob ? data.size : String(data).length;
      w.__channelBytes[index.get(this)!]! += size;
      return send.call(this, data);
    } as typeof RTCDataChannel.prototype.send;
  });
  return {
    closeConnections: () =>
      page.evaluate(() => {
        const pcs = (window as unknown as ProbeWindow).__pcs.filter((pc) => pc.connectionState !== 'closed');
        for (const pc of pcs) pc.close();
        return pcs.length;
      }),
    channelBytes: () => page.evaluate(() => [...(window as unknown as ProbeWindow).__channelBytes]),
    blockNewConnections: () =>
      page.evaluate(() => {
        (window as unknown as ProbeWindow).__blocked = true;
      }),
  };
}
