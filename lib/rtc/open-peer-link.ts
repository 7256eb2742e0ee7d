import { createEphemeral, type Ephemeral } from '../crypto/ephemeral';
import { RESUME_ATTEMPT_MS } from '../transfer/reconnect-machine';
import { PeerLink, type PeerLinkEvents, type RtcSettings } from './peer-link';

export interface PeerLinkRequest {
  rtc: RtcSettings;
  /** The sender offers (and creates the channel); the receiver answers. */
  initiator: boolean;
  /** Restoring a dropped transfer: the new channel gets one attempt's time to open. */
  resuming: boolean;
  /** Receiver: names its transfer in the sealed answer. */
  token?: string;
  /** Asked once the key exists: the attempt may have been replaced or stopped meanwhile. */
  wanted(): boolean;
  events(ephemeral: Ephemeral): PeerLinkEvents;
}

/**
 * A PeerLink with a fresh ephemeral key, one per connection attempt: forward secrecy
 * (protocol §2). Null when the attempt was no longer wanted once the key was made, so
 * no RTCPeerConnection is opened for it. The sender still has to `start()` it.
 */
export async function openPeerLink(request: PeerLinkRequest): Promise<{ link: PeerLink; ephemeral: Ephemeral } | null> {
  const ephemeral = await createEphemeral();
  if (!request.wanted()) return null;
  const link = new PeerLink(request.rtc, request.initiator, ephemeral.publicKey, request.events(ephemeral), {
    ...(request.token ? { token: request.token } : {}),
    ...(request.resuming ? { connectTimeoutMs: RESUME_ATTEMPT_MS } : {}),
  });
  return { link, ephemeral };
}
