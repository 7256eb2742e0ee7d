import { SharedCode } from '../codes/code-session';
import { deriveSessionKeys, encodeLinkKey, generateLinkKey } from '../crypto/keys';
import { VaultError } from '../protocol/errors';
import type { PakeMessage } from '../protocol/pake';
import type { Peer, PeerJoined, PeerLeft, SignalPlaintext } from '../protocol/signaling';
import { rtcSettings, type RtcSettings } from '../rtc/rtc-peer';
import { SignalingClient } from '../rtc/signaling-client';
import { fileSourceFromBlob } from '../transfer/file-source';
import { emptyProgress, type TransferProgress } from '../transfer/progress';
import type { SelectedFile } from '../transfer/selection';
import { createSession } from './api-client';
import { shownError } from './errors';
import { hashEach, inlineFileHasher, type FileHasher } from './file-hasher';
import type { SenderOptions } from './sender-options';
import { senderSnapshot, type Phase, type SessionView } from './sender-snapshot';
import { OutgoingTransfer, type OutgoingKeys } from './outgoing-transfer';
import { OutgoingTransfers } from './outgoing-transfers';
import * as roster from './receiver-roster';
import { REJECTED_NOTICE, UNFINISHED_CODE, WRONG_CODE } from './sender-texts';
import { buildShareLink } from './share-link';
import { SnapshotStore } from './snapshot-store';
import type { SenderSnapshot } from './transfer-status';

/**
 * The sender page's whole flow, outside React: create a session, make K and the link,
 * then admit each receiver that joins (up to the link's limit) and give it its own
 * OutgoingTransfer. The session ends when every slot is done.
 */
export class SenderController {
  readonly store: SnapshotStore<SenderSnapshot>;
  private signaling: SignalingClient | null = null;
  private readonly transfers = new OutgoingTransfers();
  private roster: roster.Roster;
  private phase: Phase = 'idle';
  private view: SessionView;
  private readonly total: TransferProgress;
  private rtc: RtcSettings = { iceServers: [] };
  private keys: OutgoingKeys | null = null;
  private disposed = false;
  private ended = false;
  /** Signaling closed (expired, shut down) while transfers ran: no one new can join. */
  private closedBy: VaultError | null = null;
  private code: SharedCode | null = null;
  private readonly hasher: FileHasher;

  constructor(
    private readonly files: SelectedFile[],
    private readonly origin: string,
    private readonly options: SenderOptions = {},
  ) {
    this.total = emptyProgress(files.reduce((sum, f) => sum + f.file.size, 0), files.length);
    this.roster = roster.emptyRoster(options.maxReceivers ?? 1);
    // Hashing starts now, while the link waits for someone to open it.
    this.hasher = options.hasher ?? inlineFileHasher();
    this.view = { link: null, code: null, expiresAt: null, files: files.map(({ path, file }) => ({ name: file.name, path, size: file.size })), error: null, notice: null };
    this.store = new SnapshotStore<SenderSnapshot>(senderSnapshot(this.view, 'idle', this.roster, this.total));
    hashEach(this.hasher, files.map(({ file }) => file), (index, sha256) => {
      if (!this.disposed) this.publish({ files: this.view.files.map((f, i) => (i === index ? { ...f, sha256 } : f)) });
    });
  }

  async start(): Promise<void> {
    try {
      this.phase = 'creating';
      this.publish();
      const created = await createSession(this.options.serverUrl ?? this.origin, { maxReceivers: this.roster.limit, ...(this.options.code ? { code: true } : {}) });
      this.roster = roster.emptyRoster(created.maxReceivers);
      const linkKey = generateLinkKey();
      const keys = await deriveSessionKeys(linkKey, created.id);
      if (this.disposed) return;
      if (this.options.code && created.nameplate === undefined) throw new VaultError('unavailable', 'the server gave no code number');
      this.keys = { linkKey, session: keys };
      if (created.nameplate !== undefined) this.code = new SharedCode(created.nameplate, linkKey, created.id, (error) => this.codeFailed(error));
      this.signaling = new SignalingClient(
        keys,
        {
          signal: (from, message) => this.onSignal(from, message),
          rejected: (from, error) => this.onRejected(from, error),
          peerJoined: (peer) => {
            if (peer.code && peer.role === 'receiver') this.code?.joined(peer.peerId);
            this.onPeer(peer);
          },
          peerLeft: (peer) => this.onPeerLeft(peer),
          rejoined: (joined) => this.onRejoined(joined),
          fatal: (error) => this.onSignalingClosed(error),
          pake: (from, message) => void this.onPake(from, message),
        },
        this.options.serverUrl,
      );
      const joined = await this.signaling.join({ sessionId: created.id, role: 'sender', senderToken: created.senderToken });
      this.rtc = rtcSettings(joined);
      this.phase = 'running';
      this.publish({ link: buildShareLink(this.origin, created.id, encodeLinkKey(linkKey)), code: this.code?.text ?? null, expiresAt: created.expiresAt });
      for (const peer of joined.peers) this.onPeer(peer);
    } catch (error) {
      this.failSession(error);
    }
  }

  /** A receiver joined: it gets a slot and its own transfer while the link has one free. */
  private onPeer(peer: PeerJoined): void {
    if (peer.role !== 'receiver' || this.disposed || this.phase !== 'running' || this.closedBy) return;
    // A receiver whose signaling came back says who it is with a sealed reconnect; so
    // does one that typed the code, once its PAKE gave it the key.
    if (peer.rejoin || peer.code) return;
    if (this.transfers.has(peer.peerId)) return;
    if (!roster.canAdmit(this.roster)) {
      // The server counts who is present; a receiver that finished and left freed its
      // place there, but this link has served as many receivers as it admits.
      if (!roster.allDone(this.roster)) void this.signaling?.send(peer.peerId, { type: 'abort', data: { code: 'full' } });
      return;
    }
    const transfer = new OutgoingTransfer(peer.peerId, this.keys!, {
      rtc: () => this.rtc,
      signal: (peerId, body) => void this.signaling?.send(peerId, body),
      files: () => this.files.map(({ path, file }) => fileSourceFromBlob(file, path, (f) => this.hasher.sha256(f))),
      changed: (t, change) => this.onChange(t, change),
    });
    this.transfers.add(transfer);
    this.roster = roster.admit(this.roster, peer.peerId, this.total);
    this.publish();
    void transfer.connect();
  }

  private onSignal(from: string, message: SignalPlaintext): void {
    // It holds K: on a code session, tell the server to keep its place (protocol §7).
    if (this.code?.proved(from)) void this.signaling?.confirmReceiver(from);
    if (message.type === 'present') return void this.adopt(from, message.data.token);
    if (message.type !== 'reconnect') return this.transfers.get(from)?.signalled(message);
    // Asked for a new connection; unknown: a receiver that had not started before its signaling came back.
    const transfer = this.adopt(from, message.data.token);
    if (!transfer) return this.onPeer({ peerId: from, role: 'receiver' });
    transfer.asked(message.data.token, message.data.attempt);
  }

  /** The transfer `from` belongs to, its row renamed if it came back under a new id. */
  private adopt(from: string, token: string): OutgoingTransfer | undefined {
    const found = this.transfers.adopt(from, token);
    if (found?.renamedFrom) this.roster = roster.renamed(this.roster, found.renamedFrom, from);
    return found?.transfer;
  }

  /** What one receiver's transfer reports, onto its row; a final report frees its place here. */
  private onChange(transfer: OutgoingTransfer, change: roster.TransferChange): void {
    this.roster = roster.changed(this.roster, transfer.peerId, change);
    if (change.type === 'progress') return this.publish({}, true);
    if (change.type !== 'completed' && change.type !== 'failed') return this.publish();
    this.transfers.forget(transfer);
    this.settle();
  }

  /** A short code's PAKE: a wrong guess, or one left unfinished, ends the session, so a guesser gets one try in 2^33. */
  private async onPake(from: string, message: PakeMessage): Promise<void> {
    if (!this.code || this.phase !== 'running' || this.closedBy) return;
    const outcome = await this.code.receive(from, message, async (reply) => void (await this.signaling?.sendPake(from, reply)));
    if (outcome && !outcome.ok) return this.codeFailed(outcome.error);
    // The receiver has K now; it asks for an offer with a sealed reconnect.
    if (outcome) this.publish();
  }

  /**
   * An envelope from one of our receivers did not open. A wrong link cannot be told
   * apart from a tampering relay here, and a wrong link must not end the session for
   * the right recipients: drop that receiver, say so, tell it (sealed), and go on.
   */
  private onRejected(from: string, error: VaultError): void {
    const transfer = this.transfers.get(from);
    if (!transfer) return;
    this.publish({ notice: shownError(error, REJECTED_NOTICE) });
    if (transfer.channelOpen) return; // the channel is open and authenticated; signaling no longer matters
    void this.signaling?.send(from, { type: 'abort', data: { code: 'envelope_invalid' } });
    this.drop(transfer);
    this.publish();
  }

  private onPeerLeft(peer: PeerLeft): void {
    // Someone looked the code up and joined, but never began the exchange: no guess was
    // spent, so the code still works (the server frees such a place after a while).
    if (this.code?.leftIdle(peer.peerId) && this.phase === 'running') return this.publish({ notice: { code: 'session_closed', message: UNFINISHED_CODE } });
    // The code's receiver left mid-exchange: it spent the code all the same.
    if (this.code?.runningWith(peer.peerId)) return this.codeFailed(new VaultError('wrong_code', 'the receiver left during the code exchange'));
    const transfer = this.transfers.get(peer.peerId);
    if (!transfer) return;
    if (transfer.started) return transfer.peerLeft(peer.reason);
    // It left before the channel opened (e.g. its link key was wrong): its slot is free.
    if (!transfer.connecting || transfer.channelOpen) return;
    this.drop(transfer);
    this.settle();
  }

  /** Our signaling came back under a new peer id: offers made meanwhile were lost. */
  private onRejoined(joined: RtcSettings & { peers: Peer[] }): void {
    // Fresh TURN credentials come with every join.
    this.rtc = rtcSettings(joined);
    for (const transfer of this.transfers.all()) {
      if (!transfer.started) this.drop(transfer);
      else transfer.rejoined();
    }
    this.publish();
    for (const peer of joined.peers) this.onPeer(peer);
  }

  /** Signaling is over for this page: running transfers go on, nobody new can join. */
  private onSignalingClosed(error: VaultError): void {
    if (this.phase !== 'running') return this.failSession(error);
    this.closedBy ??= error;
    for (const transfer of this.transfers.all()) transfer.signalingClosed(error);
    this.settle();
  }

  /** The sender stopped one receiver: it is told (`cancelled`), the others go on. */
  stopReceiver(peerId: string): void {
    const transfer = this.transfers.get(peerId);
    const view = roster.find(this.roster, peerId);
    if (!transfer || !view || !roster.isActive(view) || !transfer.stop()) return;
    this.roster = roster.stopped(this.roster, peerId);
    this.transfers.forget(transfer);
    this.settle();
  }

  /** The sender ends the session: the link stops working, and receivers still going are stopped. */
  endSession(): void {
    if (this.disposed || this.phase !== 'running') return;
    this.stopAll();
    this.phase = 'ended';
    this.publish();
  }

  /** Someone spent the code's one guess wrongly: close the session for everyone. */
  private codeFailed(error: VaultError): void {
    if (!this.code || this.code.spent || this.phase !== 'running') return;
    this.code.spend();
    this.stopAll();
    this.phase = 'error';
    this.releaseAll();
    this.publish({ error: shownError(new VaultError('wrong_code', error.message), WRONG_CODE) });
  }

  /** The whole session stopped (it could not be created, or signaling ended with nothing running). */
  private failSession(error: unknown): void {
    // After the sender ended it, the server closing signaling is the expected echo.
    if (this.disposed || this.phase === 'error' || this.phase === 'ended') return;
    this.phase = 'error';
    this.releaseAll();
    this.publish({ error: shownError(error) });
  }

  dispose(): void {
    this.disposed = true;
    this.code?.dispose();
    this.releaseAll(true);
    this.signaling?.close();
    this.store.dispose();
    if (!this.options.hasher) this.hasher.dispose();
  }

  /** Stops every receiver still going and ends the session on the server. */
  private stopAll(): void {
    for (const view of this.roster.receivers) if (roster.isActive(view)) this.stopReceiver(view.peerId);
    this.endOnServer();
  }

  /** The link stops working (once). */
  private endOnServer(): void {
    if (!this.ended) void this.signaling?.end();
    this.ended = true;
  }

  /** Closes every connection now; `cancel`: the page goes away, receivers with a channel are told. */
  private releaseAll(cancel = false): void {
    for (const transfer of this.transfers.all()) {
      if (cancel) transfer.dispose();
      else transfer.release(0);
      this.transfers.forget(transfer);
    }
  }

  /** Gone before its channel opened: no row, and its slot is free. */
  private drop(transfer: OutgoingTransfer): void {
    transfer.release(0);
    this.transfers.forget(transfer);
    this.roster = roster.dropped(this.roster, transfer.peerId);
  }

  /** After a receiver's change: end the session once every slot is done. */
  private settle(): void {
    if (this.phase !== 'running') return;
    if (roster.allDone(this.roster)) this.endOnServer();
    else if (this.closedBy && !this.roster.receivers.some(roster.isActive)) return this.failSession(this.closedBy);
    this.publish();
  }

  /** Publishes the snapshot: session fields from `patch` (kept), the rest from the roster. */
  private publish(patch: Partial<SessionView> = {}, throttled = false): void {
    this.view = { ...this.view, ...patch };
    const next = senderSnapshot(this.view, this.phase, this.roster, this.total);
    if (throttled) this.store.setThrottled(next);
    else this.store.set(next);
  }
}
