import { createEphemeral, type Ephemeral } from '../crypto/ephemeral';
import { RESUME_ATTEMPT_MS } from '../transfer/reconnect-machine';
import { RtcPeer, type RtcPeerEvents, type RtcSettings } from './rtc-peer';

export interface RtcPeerRequest {
  rtc: RtcSettings;
  /** The sender offers (and creates the channel); the receiver answers. */
  initiator: boolean;
  /** Restoring a dropped transfer: the new channel gets one attempt's time to open. */
  resuming: boolean;
  /** Receiver: names its transfer in the sealed answer. */
  token?: string;
  /** Asked once the key exists: the attempt may have been replaced or stopped meanwhile. */
  wanted(): boolean;
  events(ephemeral: Ephemeral): RtcPeerEvents;
}

/**
 * A RtcPeer with a fresh ephemeral key, one per connection attempt: forward secrecy
 * (protocol §2). Null when the attempt was no longer wanted once the key was made, so
 * no RTCPeerConnection is opened for it. The sender still has to `start()` it.
 */
export async function openRtcPeer(request: RtcPeerRequest): Promise<{ peer: RtcPeer; ephemeral: Ephemeral } | null> {
  const ephemeral = await createEphemeral();
  if (!request.wanted()) return null;
  const peer = new RtcPeer(request.rtc, request.initiator, ephemeral.publicKey, request.events(ephemeral), {
    ...(request.token ? { token: request.token } : {}),
    ...(request.resuming ? { connectTimeoutMs: RESUME_ATTEMPT_MS } : {}),
  });
  return { peer, ephemeral };
}
