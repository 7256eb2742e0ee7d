import type { Ephemeral } from '../crypto/ephemeral';
import type { VaultError } from '../protocol/errors';
import type { SignalPlaintext } from '../protocol/signaling';
import { channelPort, type ChannelPort } from '../rtc/channel-port';
import { openRtcPeer } from '../rtc/open-rtc-peer';
import type { Handshake, RtcSettings } from '../rtc/rtc-peer';
import type { SignalBody } from '../rtc/signaling-client';

// The receiver's side of each connection attempt: it answers the sender's sealed offer.
// IncomingTransfer sees only this seam, so its tests can stand a fake in for WebRTC.

/** One attempt at a PeerConnection with the sender: its signals in, closed when replaced. */
export interface PeerConnection {
  handle(message: SignalPlaintext): Promise<void>;
  close(): void;
}

export interface ConnectionEvents {
  signal(body: SignalBody): void;
  open(port: ChannelPort, handshake: Handshake): void;
  failed(error: VaultError): void;
}

export interface ConnectionRequest {
  /** Restoring a dropped transfer: the new channel gets one attempt's time to open. */
  resuming: boolean;
  /** Names this transfer in the sealed answer. */
  token: string;
  /** Asked once the key exists: the transfer may have stopped meanwhile. */
  wanted(): boolean;
  events(ephemeral: Ephemeral): ConnectionEvents;
}

/**
 * Answers one sealed offer with a fresh ephemeral key: forward secrecy per connection
 * (protocol §2). Null when no longer wanted once the key was made.
 */
export type OpenConnection = (request: ConnectionRequest) => Promise<{ connection: PeerConnection; ephemeral: Ephemeral } | null>;

/** The real thing: openRtcPeer answering with the ICE settings of the latest join, its channel as a ChannelPort. */
export function answerWithRtcPeer(rtc: () => RtcSettings): OpenConnection {
  return async ({ events, ...request }) => {
    const opened = await openRtcPeer({
      ...request,
      rtc: rtc(),
      initiator: false,
      events: (ephemeral) => {
        const { signal, open, failed } = events(ephemeral);
        return { signal, failed, open: (channel, _maxMessageSize, handshake) => open(channelPort(channel), handshake) };
      },
    });
    return opened && { connection: opened.peer, ephemeral: opened.ephemeral };
  };
}
