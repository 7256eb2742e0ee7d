import * as polyfill from 'node-datachannel/polyfill';

// WebRTC for Node: libdatachannel's W3C-style classes stand in for the browser's, so
// lib/rtc's PeerLink and channel port run unchanged in the command-line peer.

/**
 * `bindAddress` pins ICE to one local address (P2P_VAULT_BIND_ADDRESS): for hosts with
 * many interfaces, and for tests, whose private network namespace has only loopback.
 */
export function installWebRtc(bindAddress?: string): void {
  const extra = bindAddress ? { bindAddress } : {};
  class NodePeerConnection extends polyfill.RTCPeerConnection {
    constructor(config?: RTCConfiguration) {
      super({ ...config, ...extra } as RTCConfiguration);
    }
  }
  Object.assign(globalThis, {
    RTCPeerConnection: NodePeerConnection,
    RTCSessionDescription: polyfill.RTCSessionDescription,
    RTCIceCandidate: polyfill.RTCIceCandidate,
    RTCDataChannel: polyfill.RTCDataChannel,
  });
}
