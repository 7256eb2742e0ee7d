import type { OutgoingTransfer } from './outgoing-transfer';

/**
 * The sender's running transfers by their receiver's peer id. A receiver whose
 * signaling reconnected comes back under a new id and is found again by the token from
 * its sealed answer.
 */
export class OutgoingTransfers {
  readonly #byPeer = new Map<string, OutgoingTransfer>();

  get(peerId: string): OutgoingTransfer | undefined {
    return this.#byPeer.get(peerId);
  }

  has(peerId: string): boolean {
    return this.#byPeer.has(peerId);
  }

  add(transfer: OutgoingTransfer): void {
    this.#byPeer.set(transfer.peerId, transfer);
  }

  /** A copy: callers forget transfers while they go through them. */
  all(): OutgoingTransfer[] {
    return [...this.#byPeer.values()];
  }

  /** The transfer `from` belongs to: known by that id, or by `token` under an earlier id, then renamed (`renamedFrom`). */
  adopt(from: string, token: string): { transfer: OutgoingTransfer; renamedFrom: string | null } | undefined {
    const known = this.#byPeer.get(from);
    if (known) return { transfer: known, renamedFrom: null };
    const transfer = this.all().find((t) => t.token === token);
    if (!transfer) return undefined;
    const renamedFrom = transfer.peerId;
    this.#byPeer.delete(renamedFrom);
    transfer.peerId = from;
    this.#byPeer.set(from, transfer);
    return { transfer, renamedFrom };
  }

  forget(transfer: OutgoingTransfer): void {
    if (this.#byPeer.get(transfer.peerId) === transfer) this.#byPeer.delete(transfer.peerId);
  }
}
