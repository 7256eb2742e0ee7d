import { VaultError } from '../protocol/errors';
import type { IceServer, IceTransportPolicy, SignalPlaintext } from '../protocol/signaling';
import { certificateFingerprint, sdpFingerprints } from './fingerprints';
import type { SignalBody } from './signaling-client';

// One RTCPeerConnection with one reliable, ordered DataChannel. The sender offers and
// creates the channel; the receiver answers. SDP and ICE go out through `signal`,
// which seals them, so the fingerprints the two sides pin cannot be swapped. The offer
// and answer also carry each side's ephemeral ECDH public key (forward secrecy).

const CONNECT_TIMEOUT_MS = 20_000;
/**
 * ICE reports `disconnected` when consent checks stop getting answers; it may recover,
 * or reach `failed` only some 30 s later. Past this long it counts as lost, so a
 * transfer can resume instead of waiting.
 */
const DISCONNECTED_GRACE_MS = 4_000;
/** How long after gathering completed a candidate may still be reported. */
const GATHERING_SETTLE_MS = 500;

export interface RtcPeerOptions {
  /** How long the channel may take to open; a resumption uses a shorter one. */
  connectTimeoutMs?: number;
  /** Sent in the sealed answer so the sender knows this receiver again under a new peer id. */
  token?: string;
}

/** The RTCConfiguration a join ack prescribes: which servers, and whether only the relay. */
export interface RtcSettings {
  iceServers: IceServer[];
  iceTransportPolicy?: IceTransportPolicy;
}

/** Just the ICE part of a join ack (which also names peers the link must not keep). */
export function rtcSettings(joined: RtcSettings): RtcSettings {
  return { iceServers: joined.iceServers, iceTransportPolicy: joined.iceTransportPolicy };
}

export interface RtcPeerEvents {
  signal(body: SignalBody): void;
  open(channel: RTCDataChannel, maxMessageSize: number, handshake: Handshake): void;
  failed(error: VaultError): void;
}

/** What this connection was made with: input to key confirmation and key derivation. */
export interface Handshake {
  /** DTLS fingerprints from the local and remote SDP */
  fingerprints: { local: string[]; remote: string[] };
  /** the peer's ephemeral ECDH public key, from its sealed offer or answer */
  remoteDh: string;
  /**
   * Settles once the peer's actual DTLS certificate was checked against the remote SDP
   * fingerprint (where the browser has getRemoteCertificates); rejects `not_authentic`.
   */
  certificateChecked: Promise<void>;
}

export class RtcPeer {
  private readonly pc: RTCPeerConnection;
  private readonly pendingIce: RTCIceCandidateInit[] = [];
  private readonly timer: ReturnType<typeof setTimeout>;
  private opened = false;
  private remoteDh: string | null = null;
  // The SDPs as applied. The attributes on the connection can lag behind on a fast
  // link (the channel may open before remoteDescription reads back), so keep our own.
  private localSdp = '';
  private remoteSdp = '';
  private closed = false;
  private disconnectedTimer: ReturnType<typeof setTimeout> | null = null;
  private localCandidates = 0;
  /** The last ICE server error (e.g. a TURN server refusing the credential), for the failure's detail. */
  private serverError = '';

  constructor(
    settings: RtcSettings,
    private readonly initiator: boolean,
    private readonly localDh: string,
    private readonly events: RtcPeerEvents,
    private readonly options: RtcPeerOptions = {},
  ) {
    this.pc = new RTCPeerConnection({ iceServers: settings.iceServers, iceTransportPolicy: settings.iceTransportPolicy ?? 'all' });
    this.pc.onicecandidate = ({ candidate }) => {
      if (!candidate?.candidate) return;
      this.localCandidates++;
      this.events.signal({ type: 'ice', data: candidate.toJSON() as Extract<SignalPlaintext, { type: 'ice' }>['data'] });
    };
    this.pc.onicecandidateerror = (event) => {
      this.serverError = `${event.url}: ${event.errorCode} ${event.errorText}`;
    };
    // Not one local candidate means no path can ever be found (typically relay-only
    // with a TURN server that refused us): say so now rather than after the timeout.
    // libdatachannel (the CLI) reports `complete` before its candidates: look again shortly.
    this.pc.onicegatheringstatechange = () => {
      if (this.pc.iceGatheringState !== 'complete' || this.localCandidates > 0) return;
      setTimeout(() => {
        if (this.localCandidates === 0) this.noRoute('no ICE candidate gathered');
      }, GATHERING_SETTLE_MS);
    };
    this.pc.oniceconnectionstatechange = () => {
      if (this.pc.iceConnectionState === 'failed') this.noRoute('ICE failed');
    };
    this.pc.onconnectionstatechange = () => {
      const state = this.pc.connectionState;
      if (state === 'failed') {
        if (this.opened) this.fail('connection_failed', 'the peer-to-peer connection failed');
        else this.noRoute('the connection failed');
      }
      if (state === 'disconnected') {
        this.disconnectedTimer ??= setTimeout(() => this.fail('connection_failed', 'the peer-to-peer connection was lost'), DISCONNECTED_GRACE_MS);
      } else if (this.disconnectedTimer) {
        clearTimeout(this.disconnectedTimer);
        this.disconnectedTimer = null;
      }
    };
    this.pc.ondatachannel = ({ channel }) => this.watch(channel);
    const timeout = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    this.timer = setTimeout(() => this.noRoute(`not connected within ${Math.round(timeout / 1000)} seconds`), timeout);
  }

  async start(): Promise<void> {
    if (!this.initiator) return;
    this.watch(this.pc.createDataChannel('vault', { ordered: true }));
    await this.pc.setLocalDescription(await this.pc.createOffer());
    this.localSdp = this.pc.localDescription!.sdp;
    this.events.signal({ type: 'offer', data: { sdp: this.localSdp, dh: this.localDh } });
  }

  async handle(message: SignalPlaintext): Promise<void> {
    if (this.closed) return;
    try {
      if (message.type === 'offer' && !this.initiator && !this.remoteDh) {
        this.remoteDh = message.data.dh;
        this.remoteSdp = message.data.sdp;
        await this.pc.setRemoteDescription({ type: 'offer', sdp: message.data.sdp });
        await this.flushIce();
        await this.pc.setLocalDescription(await this.pc.createAnswer());
        this.localSdp = this.pc.localDescription!.sdp;
        const token = this.options.token ? { token: this.options.token } : {};
        this.events.signal({ type: 'answer', data: { sdp: this.localSdp, dh: this.localDh, ...token } });
      } else if (message.type === 'answer' && this.initiator && !this.remoteDh) {
        this.remoteDh = message.data.dh;
        this.remoteSdp = message.data.sdp;
        await this.pc.setRemoteDescription({ type: 'answer', sdp: message.data.sdp });
        await this.flushIce();
      } else if (message.type === 'ice') {
        if (this.pc.remoteDescription) await this.addIce(message.data);
        else this.pendingIce.push(message.data);
      } else {
        this.fail('protocol_violation', `unexpected ${message.type}`);
      }
    } catch (error) {
      this.fail('connection_failed', error instanceof Error ? error.message : String(error));
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.disconnectedTimer) clearTimeout(this.disconnectedTimer);
    this.pc.close();
  }

  private async flushIce(): Promise<void> {
    for (const candidate of this.pendingIce.splice(0)) await this.addIce(candidate);
  }

  /**
   * A candidate that does not apply (one meant for the connection this one replaced,
   * on a resumption) is skipped: it must not end the new connection.
   */
  private async addIce(candidate: RTCIceCandidateInit): Promise<void> {
    await this.pc.addIceCandidate(candidate).catch(() => {});
  }

  private watch(channel: RTCDataChannel): void {
    channel.binaryType = 'arraybuffer';
    channel.onopen = () => {
      if (!this.remoteDh) return this.fail('protocol_violation', 'channel opened without a key exchange');
      this.opened = true;
      clearTimeout(this.timer);
      const remote = sdpFingerprints(this.remoteSdp);
      this.events.open(channel, this.pc.sctp?.maxMessageSize ?? 65_536, {
        fingerprints: { local: sdpFingerprints(this.localSdp), remote },
        remoteDh: this.remoteDh,
        certificateChecked: this.checkRemoteCertificate(remote),
      });
    };
  }

  /** The certificate DTLS actually negotiated must be the one the sealed SDP pinned. */
  private async checkRemoteCertificate(pinned: string[]): Promise<void> {
    const transport = this.pc.sctp?.transport;
    const certificates = typeof transport?.getRemoteCertificates === 'function' ? transport.getRemoteCertificates() : [];
    // This browser does not expose them (libdatachannel in the CLI returns an empty
    // stand-in, but checks the certificate against the SDP fingerprint itself): the
    // SDP pin stands alone.
    if (certificates.length === 0 || certificates[0]!.byteLength === 0) return;
    const actual = await certificateFingerprint(certificates[0]!);
    const sha256Pins = pinned.filter((f) => f.startsWith('sha-256 '));
    if (sha256Pins.length > 0 && !sha256Pins.includes(actual)) {
      throw new VaultError('not_authentic', 'the DTLS certificate differs from the one the sealed SDP pinned');
    }
  }

  /** Before the channel opened, every ICE failure means the same to a person: no path at all. */
  private noRoute(why: string): void {
    if (!this.opened) this.fail('no_route', this.serverError ? `${why} (${this.serverError})` : why);
  }

  private fail(code: 'connection_failed' | 'no_route' | 'protocol_violation', message: string): void {
    if (this.closed) return;
    this.close();
    this.events.failed(new VaultError(code, message));
  }
}
