import { confirmationTranscript } from '../crypto/key-confirmation';
import type { Ephemeral } from '../crypto/ephemeral';
import { connectionKeysFor, type SessionKeys } from '../crypto/keys';
import { isVaultError, USER_MESSAGES, VaultError } from '../protocol/errors';
import type { PeerLeft, SignalPlaintext } from '../protocol/signaling';
import { channelPort, type ChannelPort } from '../rtc/channel-port';
import { openRtcPeer } from '../rtc/open-rtc-peer';
import type { Handshake, RtcPeer, RtcSettings } from '../rtc/rtc-peer';
import type { SignalBody } from '../rtc/signaling-client';
import { chunkSizeFor } from '../transfer/chunking';
import type { FileSource } from '../transfer/file-source';
import { RateMeter } from '../transfer/rate-meter';
import { reconnect, reconnectStart, type ReconnectEffect, type ReconnectEvent } from '../transfer/reconnect-machine';
import { SendSession } from '../transfer/send-session';
import { shownError } from './errors';
import { abortForPeer } from './peer-abort';
import { abortDetail, CONNECTION_LOST, RECEIVER_LEFT } from './sender-texts';
import { DONE_LINGER_MS, ERROR_LINGER_MS } from './timings';
import type { TransferChange } from './receiver-roster';

/** What a transfer needs from the session around it. */
export interface OutgoingHost {
  /** The current ICE servers (fresh TURN credentials come with every join). */
  rtc(): RtcSettings;
  /** A sealed signal to the receiver, as it is named now. */
  signal(peerId: string, body: SignalBody): void;
  files(): FileSource[];
  changed(transfer: OutgoingTransfer, change: TransferChange): void;
}

/** K and the session's keys: every connection's keys are derived from them. */
export interface OutgoingKeys {
  linkKey: Uint8Array;
  session: SessionKeys;
}

type Stage = 'connecting' | 'sending' | 'reconnecting' | 'over';

/**
 * One receiver's transfer: its PeerConnection and SendSession across drops, each
 * connection with its own ephemeral ECDH, key confirmation and STREAM keys, exactly as
 * if it were the only receiver. Once `over` (done, failed, stopped, let go) every late
 * report of an old connection is ignored.
 */
export class OutgoingTransfer {
  private stage: Stage = 'connecting';
  private peer: RtcPeer | null = null;
  private port: ChannelPort | null = null;
  private session: SendSession | null = null;
  private readonly meter = new RateMeter();
  private reconnect = reconnectStart('sender');
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** It stopped us with a sealed abort: it needs no abort back. */
  private peerAborted = false;
  /** The server said its page closed: a drop now is final. */
  private left = false;
  /** The receiver's own id for its transfer, from its sealed answer. */
  private ownToken: string | null = null;

  constructor(
    /** Changes if the receiver's signaling reconnects (it then names itself by its token). */
    public peerId: string,
    private readonly keys: OutgoingKeys,
    private readonly host: OutgoingHost,
    /** Where its RtcPeers come from; tests give in-memory ones. */
    private readonly openLink: typeof openRtcPeer = openRtcPeer,
  ) {}

  get token(): string | null {
    return this.ownToken;
  }

  /** Admitted, its first channel not yet open. */
  get connecting(): boolean {
    return this.stage === 'connecting';
  }

  /** Its SendSession exists: data may have been sent. */
  get started(): boolean {
    return this.session !== null;
  }

  get channelOpen(): boolean {
    return this.port !== null;
  }

  /** The first connection: offer, and on open start the transfer. */
  async connect(): Promise<void> {
    try {
      const opened = await this.openLink({
        rtc: this.host.rtc(),
        initiator: true,
        resuming: false,
        wanted: () => this.stage !== 'over',
        events: (ephemeral) => ({
          signal: (body) => this.host.signal(this.peerId, body),
          open: (channel, maxMessageSize, handshake) => void this.opened(channel, maxMessageSize, ephemeral, handshake),
          failed: (error) => (this.session ? this.lost(error, { peer }) : this.fail(error)),
        }),
      });
      if (!opened) return;
      const peer = (this.peer = opened.peer);
      this.dispatch({ type: 'offered', now: performance.now() });
      await peer.start();
    } catch (error) {
      this.fail(error);
    }
  }

  /** A signal from the receiver: its answer and candidates, or its sealed abort. */
  signalled(message: SignalPlaintext): void {
    if (message.type === 'answer' && message.data.token) this.ownToken ??= message.data.token;
    if (message.type !== 'abort') return void this.peer?.handle(message);
    this.peerAborted = true;
    const { code } = message.data;
    this.fail(new VaultError(code, USER_MESSAGES[code]), abortDetail(code, this.started));
  }

  /**
   * The receiver asks for a new connection under its attempt number: its side dropped,
   * or its signaling came back under a new peer id. A token other than its own is not it.
   */
  asked(token: string, attempt: number): void {
    if (this.ownToken !== null && this.ownToken !== token) return;
    const channel = !this.session ? 'none' : this.port ? 'open' : 'restoring';
    this.dispatch({ type: 'asked', attempt, now: performance.now(), channel });
  }

  /** The server says the receiver left; `lost` (a signaling timeout) may come back and resume. */
  peerLeft(reason: PeerLeft['reason']): void {
    if (this.stage === 'over') return;
    // Once the channel is open the transfer no longer needs signaling; the channel's
    // own close tells us if the receiver really went away.
    if (reason !== 'lost') this.left = true;
    if (this.left && !this.port) this.fail(new VaultError('peer_left', RECEIVER_LEFT), RECEIVER_LEFT);
  }

  /** Our signaling came back under a new peer id: an offer made meanwhile was lost. */
  rejoined(): void {
    if (!this.port && this.stage === 'reconnecting') void this.offer();
  }

  /** Signaling is over: without it nothing can connect, and a drop cannot be restored. */
  signalingClosed(error: VaultError): void {
    if (!this.port && (this.stage === 'connecting' || this.stage === 'reconnecting')) this.fail(error);
  }

  /** The sender stopped this receiver (`cancelled`); false if it was over already. */
  stop(): boolean {
    if (this.stage === 'over') return false;
    this.stage = 'over';
    // A sealed cancel frame on the channel, and a sealed abort over signaling: that one
    // does not queue behind the chunks already buffered, and works before the channel opens.
    this.session?.fail(new VaultError('cancelled', USER_MESSAGES.cancelled));
    this.host.signal(this.peerId, { type: 'abort', data: { code: 'cancelled' } });
    this.release(this.port ? ERROR_LINGER_MS : 0);
    return true;
  }

  /** The page goes away: the receiver is told by a cancel frame where a channel is open. */
  dispose(): void {
    this.session?.fail(new VaultError('cancelled', USER_MESSAGES.cancelled));
    this.release(0);
  }

  /** Closes its connection (after `lingerMs`); from now on it ignores every report. */
  release(lingerMs: number): void {
    this.stage = 'over';
    this.clearTimer();
    const close = () => {
      this.port?.close();
      this.peer?.close();
    };
    if (lingerMs > 0) setTimeout(close, lingerMs);
    else close();
  }

  private async opened(channel: RTCDataChannel, maxMessageSize: number, ephemeral: Ephemeral, handshake: Handshake): Promise<void> {
    try {
      const first = await this.keyed(ephemeral, handshake);
      // It may have failed, left or been stopped while the keys were derived.
      if (this.stage !== 'connecting') return channel.close();
      const port = (this.port = channelPort(channel));
      const session = (this.session = new SendSession({
        ...first,
        port,
        files: this.host.files(),
        chunkSize: chunkSizeFor(maxMessageSize),
        onProgress: (progress) => {
          const speed = this.meter.sample(progress.bytesDone, progress.bytesTotal, performance.now());
          this.host.changed(this, { type: 'progress', progress, speed });
        },
        onResumed: ({ bytesKept }) => this.resumed(bytesKept),
      }));
      port.onFrame((frame) => session.receive(frame, port));
      port.onClose((error) => this.lost(error, { port }));
      this.stage = 'sending';
      this.host.changed(this, { type: 'sending' });
      await this.run(session, port);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Once the certificate is checked: this connection's keys (K and its ECDH secret) and key-confirmation transcript. */
  private async keyed(ephemeral: Ephemeral, handshake: Handshake): Promise<{ keys: SessionKeys; transcript: Uint8Array }> {
    await handshake.certificateChecked;
    const { sessionId } = this.keys.session;
    const { local, remote } = handshake.fingerprints;
    return {
      keys: await connectionKeysFor('sender', this.keys.linkKey, sessionId, ephemeral, handshake.remoteDh),
      transcript: confirmationTranscript(sessionId, local, remote),
    };
  }

  /** Runs the transfer over the current port until it is done, fails, or drops. */
  private async run(session: SendSession, port: ChannelPort): Promise<void> {
    try {
      const progress = await session.run();
      if (this.stage === 'over') return;
      this.release(DONE_LINGER_MS);
      this.host.changed(this, { type: 'completed', progress });
    } catch (error) {
      if (session.finished) return this.fail(error);
      this.lost(error, { port });
    }
  }

  /**
   * The connection dropped mid-transfer. The SendSession keeps its place; a new
   * PeerConnection continues it under the next key epoch, a bounded number of times.
   * `via` names the connection that reported it, so a stale report from a replaced one is ignored.
   */
  private lost(error: unknown, via: { port?: ChannelPort; peer?: RtcPeer }): void {
    const session = this.session;
    if (this.stage === 'over' || !session || session.finished) return;
    if ((via.port && via.port !== this.port) || (via.peer && via.peer !== this.peer)) return;
    if (this.left) return this.fail(new VaultError('peer_left', RECEIVER_LEFT), RECEIVER_LEFT);
    session.interrupt(isVaultError(error) ? error : new VaultError('channel_closed', String(error)));
    this.closeLink();
    this.dispatch({ type: 'dropped' });
  }

  /** One attempt to restore a dropped connection: a new offer to the same receiver. */
  private async offer(): Promise<void> {
    this.clearTimer();
    if (this.stage === 'over' || !this.session || this.session.finished) return;
    this.closeLink();
    this.dispatch({ type: 'offered', now: performance.now() });
    try {
      const opened = await this.openLink({
        rtc: this.host.rtc(),
        initiator: true,
        resuming: true,
        wanted: () => this.stage !== 'over' && !this.peer,
        events: (ephemeral) => ({
          signal: (body) => this.host.signal(this.peerId, body),
          // Same two peers, so the first connection's chunk size still fits.
          open: (channel, _maxMessageSize, handshake) => void this.resumeOver(peer, channel, ephemeral, handshake),
          failed: (error) => this.lost(error, { peer }),
        }),
      });
      if (!opened) return;
      const peer = (this.peer = opened.peer);
      await peer.start();
    } catch (error) {
      this.lost(error, {});
    }
  }

  /** The new channel is open: keys as for the first, then the session continues over it. */
  private async resumeOver(peer: RtcPeer, channel: RTCDataChannel, ephemeral: Ephemeral, handshake: Handshake): Promise<void> {
    const session = this.session!;
    try {
      const keyed = await this.keyed(ephemeral, handshake);
      if (this.stage === 'over' || this.peer !== peer || session.finished) return channel.close();
      const port = (this.port = channelPort(channel));
      session.resume({ ...keyed, port });
      port.onFrame((frame) => session.receive(frame, port));
      port.onClose((error) => this.lost(error, { port }));
      await this.run(session, port);
    } catch (error) {
      this.lost(error, { peer });
    }
  }

  /** The receiver's request on the new connection said what it kept: the drop is over. */
  private resumed(bytesKept: number): void {
    this.dispatch({ type: 'resumed' });
    if (this.stage === 'reconnecting') this.stage = 'sending';
    this.host.changed(this, { type: 'resumed', bytesKept });
  }

  /** This receiver failed: its row says why; the others go on. */
  private fail(error: unknown, detail?: string): void {
    if (this.stage === 'over') return;
    const abort = abortForPeer(error, this.port !== null, this.peerAborted);
    if (abort) this.host.signal(this.peerId, { type: 'abort', data: { code: abort } });
    // Let the error frame reach the other side before the channel closes; without a
    // channel there is nothing to deliver, and a half-made connection must not open.
    this.release(this.port ? ERROR_LINGER_MS : 0);
    this.host.changed(this, { type: 'failed', error: shownError(error, detail) });
  }

  private dispatch(event: ReconnectEvent): void {
    const step = reconnect(this.reconnect, event);
    this.reconnect = step.state;
    for (const effect of step.effects) this.apply(effect);
  }

  private apply(effect: ReconnectEffect): void {
    switch (effect.type) {
      case 'reconnecting':
        this.stage = 'reconnecting';
        return this.host.changed(this, { type: 'reconnecting', attempt: effect.attempt, maxAttempts: effect.maxAttempts });
      case 'give-up':
        this.session?.fail(new VaultError('connection_lost', CONNECTION_LOST), false);
        return this.fail(new VaultError('connection_lost', CONNECTION_LOST), CONNECTION_LOST);
      case 'timer': {
        this.clearTimer();
        const event = effect.event;
        this.timer = setTimeout(() => this.dispatch({ type: event }), effect.ms);
        return;
      }
      case 'cancel-timer':
        return this.clearTimer();
      case 'offer':
        return void this.offer();
      case 'restart':
        // It never got a channel: start its connection over.
        this.peer?.close();
        this.peer = null;
        return void this.connect();
      case 'drop':
        return this.lost(new VaultError('channel_closed', 'the recipient lost the connection'), {});
      case 'ask':
        return; // only a receiver asks
    }
  }

  private closeLink(): void {
    const { port, peer } = this;
    this.port = null;
    this.peer = null;
    port?.close();
    peer?.close();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
