// Bounds the bytes the sender has put on the wire that the receiver has not yet
// acknowledged as written. Backpressure on bufferedAmount only bounds the sender's own
// queue; this bounds everything between the two disks, so a slow receiver (disk,
// worker) slows the sender instead of piling chunks up in memory.

/** Bytes in flight the sender allows; well above one ack interval so acks never stall it. */
export const FLOW_WINDOW_BYTES = 16 * 1024 * 1024;

export class FlowWindow {
  private sentBytes = 0;
  private readonly ackedByFile = new Map<string, number>();
  private ackedBytes = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly limit = FLOW_WINDOW_BYTES) {}

  get inFlight(): number {
    return this.sentBytes - this.ackedBytes;
  }

  get acknowledged(): number {
    return this.ackedBytes;
  }

  /** A chunk may go when it fits the window, or when nothing is in flight at all. */
  canSend(bytes: number): boolean {
    return this.inFlight === 0 || this.inFlight + bytes <= this.limit;
  }

  sent(bytes: number): void {
    this.sentBytes += bytes;
  }

  /** `received` is the receiver's running total for the file; stale acks are ignored. */
  acked(fileId: string, received: number): void {
    const before = this.ackedByFile.get(fileId) ?? 0;
    if (received <= before) return;
    this.ackedByFile.set(fileId, received);
    this.ackedBytes += received - before;
    const ready = this.waiters;
    this.waiters = [];
    for (const wake of ready) wake();
  }

  /**
   * A resumed connection: the receiver said how far each file got, so those bytes
   * count as acknowledged and nothing is in flight any more.
   */
  restart(ackedByFile: Iterable<[string, number]>): void {
    this.ackedByFile.clear();
    this.ackedBytes = 0;
    for (const [fileId, bytes] of ackedByFile) {
      this.ackedByFile.set(fileId, bytes);
      this.ackedBytes += bytes;
    }
    this.sentBytes = this.ackedBytes;
    this.interrupt();
  }

  /** Resolves when `bytes` fit, or when `cancelled` says to stop waiting. */
  async waitFor(bytes: number, cancelled: () => boolean): Promise<void> {
    while (!this.canSend(bytes) && !cancelled()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Wakes waiters so they can observe a failure. */
  interrupt(): void {
    const ready = this.waiters;
    this.waiters = [];
    for (const wake of ready) wake();
  }
}
