// A minimal external store for useSyncExternalStore: immutable snapshots, listeners,
// and progress updates coalesced so the UI re-renders at most every `throttleMs`:
// twice a second, since each re-render costs a page several frames of work that the
// transfer itself needs on a busy machine (docs/performance.md).

export class SnapshotStore<S> {
  private listeners = new Set<() => void>();
  private pending: S | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastEmit = 0;

  constructor(
    private snapshot: S,
    private readonly throttleMs = 500,
  ) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly get = (): S => this.snapshot;

  /** Immediate update, for state changes a person must see at once. */
  set(next: S): void {
    this.pending = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.publish(next);
  }

  /** Coalesced update, for frequent progress. */
  setThrottled(next: S): void {
    const wait = this.throttleMs - (Date.now() - this.lastEmit);
    if (wait <= 0 && !this.timer) return this.publish(next);
    this.pending = next;
    this.timer ??= setTimeout(() => {
      this.timer = null;
      if (this.pending) this.publish(this.pending);
      this.pending = null;
    }, Math.max(0, wait));
  }

  /** The newest state, including a throttled one not yet published. */
  latest(): S {
    return this.pending ?? this.snapshot;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.listeners.clear();
  }

  private publish(next: S): void {
    this.snapshot = next;
    this.lastEmit = Date.now();
    for (const listener of this.listeners) listener();
  }
}
