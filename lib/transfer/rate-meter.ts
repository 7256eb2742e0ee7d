// Transfer speed and time left, smoothed: an exponentially weighted moving average of
// the rate between samples, so per-chunk jitter and bursts do not make the numbers jump.

export interface RateEstimate {
  bytesPerSecond: number;
  /** Seconds left at the current rate, or null when the rate is still unknown or zero. */
  etaSeconds: number | null;
}

export class RateMeter {
  private lastBytes = 0;
  private lastTime: number | null = null;
  private rate: number | null = null;

  /**
   * @param halfLifeMs how long until an old sample's weight halves
   * @param minIntervalMs samples closer together than this are merged into the next
   */
  constructor(
    private readonly halfLifeMs = 2_000,
    private readonly minIntervalMs = 250,
  ) {}

  /** Feed the running byte count; returns the smoothed estimate (null until known). */
  sample(bytesDone: number, bytesTotal: number, nowMs: number): RateEstimate | null {
    if (this.lastTime === null) {
      this.lastTime = nowMs;
      this.lastBytes = bytesDone;
      return null;
    }
    const dt = nowMs - this.lastTime;
    if (dt >= this.minIntervalMs) {
      const instant = ((bytesDone - this.lastBytes) * 1000) / dt;
      const weight = 1 - Math.pow(2, -dt / this.halfLifeMs);
      this.rate = this.rate === null ? instant : this.rate + weight * (instant - this.rate);
      this.lastTime = nowMs;
      this.lastBytes = bytesDone;
    }
    if (this.rate === null) return null;
    const remaining = Math.max(0, bytesTotal - bytesDone);
    return { bytesPerSecond: this.rate, etaSeconds: this.rate > 0 ? remaining / this.rate : null };
  }
}
