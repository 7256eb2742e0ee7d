import { CodeReceiverSession, type TypedCode } from '../codes/code-session';
import { toBase64Url } from '../protocol/base64url';
import { decodeLinkKey, deriveSessionKeys, type SessionKeys } from '../crypto/keys';
import { randomBytes } from '../crypto/webcrypto';
import { USER_MESSAGES, VaultError } from '../protocol/errors';
import type { Peer, PeerJoined, PeerLeft, SignalPlaintext } from '../protocol/signaling';
import { rtcSettings, type RtcSettings } from '../rtc/rtc-peer';
import { SignalingClient } from '../rtc/signaling-client';
import { shownError } from './errors';
import { answerWithRtcPeer, type OpenConnection } from './answer-connection';
import { IncomingTransfer } from './incoming-transfer';
import { abortForPeer } from './peer-abort';
import type { ReceiverHost } from './receiver-host';
import { abortDetail, SENDER_LEFT, senderLeftError } from './receiver-texts';
import { SnapshotStore } from './snapshot-store';
import { INITIAL_RECEIVER_SNAPSHOT, type ReceiverSnapshot, type ReceiverStatus, type ZipState } from './transfer-status';

/**
 * The receiver's whole flow, outside React: join with the link's key (or the code's
 * PAKE), hand the sender's signals to the IncomingTransfer, and show it all as one
 * snapshot. Decisions read the phase fields, never the snapshot.
 */
export class ReceiverController {
  readonly store = new SnapshotStore<ReceiverSnapshot>(INITIAL_RECEIVER_SNAPSHOT);
  private signaling: SignalingClient | null = null;
  private transfer: IncomingTransfer | null = null;
  private sender: string | null = null;
  private rtc: RtcSettings = { iceServers: [] };
  private phase: ReceiverStatus = 'joining';
  private zip: ZipState = { status: 'idle' };
  private disposed = false;
  /** The sender stopped us with a sealed abort: it needs no abort back. */
  private peerAborted = false;
  /** Settles once a failed receiver told the sender why and closed its connection. */
  private failing: Promise<void> = Promise.resolve();
  /** Signals are handled one at a time: making the ephemeral key for an offer is async. */
  private signals: Promise<void> = Promise.resolve();
  /** Names this transfer to the sender, sealed, if our signaling comes back under a new peer id. */
  private readonly token = toBase64Url(randomBytes(16));
  /** The running code exchange: where the sender's PAKE messages go. */
  private codeExchange: CodeReceiverSession | null = null;

  constructor(
    private readonly sessionId: string,
    private readonly keyText: string | null,
    private readonly host: ReceiverHost,
    /** Given instead of a link key: K comes from the code's PAKE with the sender. */
    private readonly code: TypedCode | null = null,
    private readonly open: OpenConnection = answerWithRtcPeer(() => this.rtc),
  ) {}

  async start(): Promise<void> {
    try {
      let keys: SessionKeys | null = null;
      if (!this.code) {
        if (!this.keyText) throw new VaultError('key_invalid', 'link has no key');
        const linkKey = decodeLinkKey(this.keyText);
        keys = await deriveSessionKeys(linkKey, this.sessionId);
        this.transfer = this.incomingTransfer(linkKey);
      }
      if (this.disposed) return;
      void this.host.sweep();
      this.signaling = new SignalingClient(
        keys,
        {
          pake: (from, message) => {
            if (from === this.sender) this.codeExchange?.receive(from, message);
          },
          rejected: (from, error) => {
            if (from === this.sender) this.fail(error);
          },
          signal: (from, message) => {
            if (from === this.sender && message.type === 'abort') {
              this.peerAborted = true;
              const { code } = message.data;
              return this.fail(new VaultError(code, USER_MESSAGES[code]), abortDetail(code, this.transfer?.connected ?? false));
            }
            this.signals = this.signals.then(() => this.onSignal(from, message)).catch((error) => this.fail(error));
          },
          peerJoined: (peer) => this.onPeerJoined(peer),
          peerLeft: (peer) => this.onPeerLeft(peer),
          rejoined: (joined) => {
            // Fresh TURN credentials come with every join.
            this.rtc = rtcSettings(joined);
            this.onRejoined(joined.peers);
          },
          // Once the channel is open the transfer no longer needs signaling (it may expire or end).
          fatal: (error) => {
            // The sender ends the session once every receiver verified: our last ack arrived.
            if (this.phase === 'done') this.transfer?.senderFinished();
            // A sender refusing our code closes the session right after its refusal:
            // the refusal, still being read, names what happened.
            if (this.codeExchange) return this.codeExchange.closed(error);
            if (!this.transfer?.connected) this.fail(error);
          },
        },
        this.host.serverUrl,
      );
      const joined = await this.signaling.join({ sessionId: this.sessionId, role: 'receiver', ...(this.code ? { code: true } : {}) });
      this.rtc = rtcSettings(joined);
      this.sender = joined.peers.find((p) => p.role === 'sender')?.peerId ?? null;
      this.setPhase(this.sender ? 'connecting' : 'waiting');
      if (!this.code) return;
      const linkKey = await this.exchangeCode(this.code);
      if (this.disposed) return;
      this.signaling.setKeys(await deriveSessionKeys(linkKey, this.sessionId));
      this.transfer = this.incomingTransfer(linkKey);
      // From here on, exactly a link's path: ask the sender (sealed) for its offer.
      await this.signaling.send(this.sender!, { type: 'reconnect', data: { token: this.token, attempt: 1 } });
    } catch (error) {
      this.fail(error);
    }
  }

  private incomingTransfer(linkKey: Uint8Array): IncomingTransfer {
    return new IncomingTransfer({
      sessionId: this.sessionId,
      linkKey,
      token: this.token,
      host: this.host,
      open: this.open,
      events: {
        signal: (body, to = this.sender ?? undefined) => (to ? this.signaling?.send(to, body) : undefined),
        status: (phase, patch) => this.setPhase(phase, patch),
        manifest: (files, progress) => this.update({ files, progress }),
        progress: (progress, speed) => this.store.setThrottled({ ...this.store.latest(), progress, speed }),
        verified: (file) => this.update({ received: [...this.store.latest().received, file] }),
        failed: (error, detail) => this.fail(error, detail),
      },
    });
  }

  /**
   * Runs the short code's PAKE with the sender (the initiator's side) and returns the
   * link key it delivers; throws `wrong_code` when the sender refused our words.
   */
  private exchangeCode(code: TypedCode): Promise<Uint8Array> {
    const exchange = new CodeReceiverSession(code, this.sessionId, (to, message) => this.signaling!.sendPake(to, message), () => (this.codeExchange = null));
    this.codeExchange = exchange;
    if (this.sender) exchange.begin(this.sender);
    return exchange.key;
  }

  private onPeerJoined(peer: PeerJoined): void {
    if (peer.role !== 'sender') return;
    this.sender = peer.peerId;
    this.codeExchange?.begin(peer.peerId);
    if (this.phase === 'waiting') this.setPhase(this.transfer?.started ? 'reconnecting' : 'connecting');
    // The sender's signaling came back under a new id while we wait to resume: ask it.
    this.transfer?.senderBack();
  }

  /** Our own signaling reconnected under a new peer id: find the sender again. */
  private onRejoined(peers: Peer[]): void {
    const sender = peers.find((p) => p.role === 'sender')?.peerId ?? null;
    if (sender) this.sender = sender;
    if (this.transfer?.resuming) return this.transfer.askForOffer();
    if (!this.sender) return;
    if (this.transfer?.started) {
      // Mid-transfer, the channel still runs: only say who we are now (a code session's
      // receiver the sender does not vouch for is removed by the server, protocol §7).
      void this.signaling?.send(this.sender, { type: 'present', data: { token: this.token } }).catch(() => {});
      return;
    }
    // Not started yet: the sender forgot us when our socket dropped, and takes a
    // rejoined peer for someone resuming. Ask it to begin again.
    this.transfer?.closeConnection();
    this.setPhase('connecting');
    void this.signaling?.send(this.sender, { type: 'reconnect', data: { token: this.token, attempt: 1 } }).catch(() => {});
  }

  private onPeerLeft(peer: PeerLeft): void {
    if (peer.peerId !== this.sender) return;
    if (peer.reason === 'lost') {
      // Its signaling timed out: it may come back under a new id (onPeerJoined). A
      // transfer in progress keeps going, or keeps trying to resume, meanwhile.
      if (this.transfer?.started) return;
      this.transfer?.closeConnection();
      this.sender = null;
      return this.setPhase('waiting');
    }
    // The sender's page holds the only copy of the files and of its token: once it has
    // left, this link cannot complete, so say so instead of waiting forever.
    if (!this.transfer?.senderLeft()) this.fail(senderLeftError(), SENDER_LEFT);
  }

  private async onSignal(from: string, message: SignalPlaintext): Promise<void> {
    if (from !== this.sender || this.disposed || this.phase === 'error' || this.phase === 'done') return;
    if (message.type === 'reconnect' || message.type === 'present') return; // only a sender acts on these
    await this.transfer?.handle(from, message);
  }

  /**
   * Packs every verified file into one zip (once; later calls return the same one) and
   * returns its URL, or null while it cannot be made (not all verified yet, or no room:
   * the snapshot says why).
   */
  async downloadAll(): Promise<{ url: string; name: string } | null> {
    if (this.zip.status === 'ready') return { url: this.zip.url, name: this.zip.name };
    const entries = this.zip.status === 'building' ? null : this.transfer?.verifiedEntries();
    if (!entries || !this.host.zip || !this.transfer?.transferId) return null;
    this.setZip({ status: 'building' });
    try {
      const made = await this.host.zip(entries, this.transfer.transferId);
      if (this.disposed) return null;
      if ('refused' in made) {
        this.setZip({ status: 'error', message: made.refused });
        return null;
      }
      this.setZip({ status: 'ready', ...made });
      return made;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!this.disposed) this.setZip({ status: 'error', message: `The zip could not be made: ${message}` });
      return null;
    }
  }

  /**
   * Resolves once this receiver may end its process without cutting anything off: after
   * an error, once the sender was told why; after every file verified, once the sender
   * closed the connection (it does when it has every verified ack), or after `maxMs`.
   */
  settled(maxMs: number): Promise<void> {
    if (this.phase === 'error') return this.failing;
    return this.transfer?.senderClosed(maxMs) ?? Promise.resolve();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.transfer?.dispose();
    this.signaling?.close();
    this.host.release(this.transfer?.transferId ?? null);
    this.store.dispose();
  }

  private fail(error: unknown, detail?: string): void {
    this.transfer?.stopWatching();
    // Every file verified: the channel closing or the sender ending the session is expected.
    if (this.disposed || this.phase === 'error' || this.phase === 'done') return;
    const connected = this.transfer?.connected ?? false;
    this.phase = 'error';
    const closed = this.transfer?.stop(error) ?? Promise.resolve();
    // Then a receiver with a wrong key or a failed transfer leaves, freeing the link's slot.
    const signaling = this.signaling;
    const code = this.sender ? abortForPeer(error, connected, this.peerAborted) : null;
    const notify = code ? signaling?.send(this.sender!, { type: 'abort', data: { code } }) : undefined;
    const told = Promise.resolve(notify)
      .catch(() => {})
      .finally(() => signaling?.close());
    this.failing = Promise.all([told, closed]).then(() => {});
    // Nothing unverified is ever offered: the engine discards partial files.
    this.setPhase('error', { error: shownError(error, detail), speed: null, reconnect: null });
  }

  private setPhase(phase: ReceiverStatus, patch: Partial<ReceiverSnapshot> = {}): void {
    this.phase = phase;
    this.update({ status: phase, ...patch });
  }

  private setZip(zip: ZipState): void {
    this.zip = zip;
    this.update({ zip });
  }

  private update(patch: Partial<ReceiverSnapshot>): void {
    this.store.set({ ...this.store.latest(), ...patch });
  }
}
