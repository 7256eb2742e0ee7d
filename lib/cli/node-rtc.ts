import * as polyfill from 'node-datachannel/polyfill';

// WebRTC for Node: libdatachannel's W3C-style classes stand in for the browser's, so
// lib/rtc's RtcPeer and channel port run unchanged in the command-line peer.

/** Events about our own candidates, held back by an offerer until it has the answer. */
const HELD_EVENTS = new Set(['icecandidate', 'icegatheringstatechange']);

const withoutCandidates = (sdp: string) =>
  sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') && line !== 'a=end-of-candidates')
    .join('\r\n');

/**
 * `bindAddress` pins ICE to one local address (P2P_VAULT_BIND_ADDRESS): for hosts with
 * many interfaces, and for tests, whose private network namespace has only loopback.
 */
export function installWebRtc(bindAddress?: string): void {
  const extra = bindAddress ? { bindAddress } : {};

  /**
   * As the offerer, libdatachannel is the DTLS server, and it checks the client's
   * certificate the moment the handshake starts. The answerer can reach us directly
   * (and start it) before its answer, with the fingerprint to check against, has come
   * through signaling: the handshake then fails ("unknown CA"). So the offerer tells
   * no one its candidates, neither in the offer nor trickled, until the answer is
   * applied; browsers buffer an early handshake instead and need none of this.
   */
  class NodePeerConnection extends polyfill.RTCPeerConnection {
    #held: Event[] | null = [];

    constructor(config?: RTCConfiguration) {
      super({ ...config, ...extra } as RTCConfiguration);
    }

    override get localDescription(): RTCSessionDescription {
      const description = super.localDescription;
      if (description?.type !== 'offer' || !this.#held || !description.sdp) return description;
      return new polyfill.RTCSessionDescription({ type: 'offer', sdp: withoutCandidates(description.sdp) });
    }

    override dispatchEvent(event: Event): boolean {
      if (this.#held && HELD_EVENTS.has(event.type) && super.localDescription?.type === 'offer') {
        this.#held.push(event);
        return true;
      }
      return super.dispatchEvent(event);
    }

    override async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      await super.setRemoteDescription(description);
      if (description.type !== 'answer' || !this.#held) return;
      const held = this.#held;
      this.#held = null;
      for (const event of held) super.dispatchEvent(event);
    }
  }

  Object.assign(globalThis, {
    RTCPeerConnection: NodePeerConnection,
    RTCSessionDescription: polyfill.RTCSessionDescription,
    RTCIceCandidate: polyfill.RTCIceCandidate,
    RTCDataChannel: polyfill.RTCDataChannel,
  });
}
