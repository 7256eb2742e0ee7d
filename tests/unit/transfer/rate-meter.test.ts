import { describe, expect, it } from 'vitest';
import { RateMeter } from '../../../lib/transfer/rate-meter';

const MB = 1e6;

describe('speed and ETA smoothing', () => {
  it('is unknown until two samples far enough apart, then reports rate and time left', () => {
    const m = new RateMeter(2000, 250);
    expect(m.sample(0, 100 * MB, 0)).toBeNull();
    expect(m.sample(1 * MB, 100 * MB, 100)).toBeNull(); // too soon to measure
    const e = m.sample(10 * MB, 100 * MB, 1000)!;
    expect(e.bytesPerSecond).toBeCloseTo(10 * MB);
    expect(e.etaSeconds).toBeCloseTo(9);
  });

  it('damps per-sample jitter: alternating bursts stay near the mean', () => {
    const m = new RateMeter(2000, 250);
    let bytes = 0;
    m.sample(0, 1e12, 0);
    const rates: number[] = [];
    for (let t = 250; t <= 20_000; t += 250) {
      bytes += (t / 250) % 2 === 0 ? 15 * MB * 0.25 : 5 * MB * 0.25; // 15 MB/s, 5 MB/s, …
      rates.push(m.sample(bytes, 1e12, t)!.bytesPerSecond);
    }
    // After five half-lives the start-up error has decayed; the jitter left is small.
    for (const r of rates.slice(40)) expect(Math.abs(r - 10 * MB)).toBeLessThan(0.5 * MB);
  });

  it('follows a lasting change of speed within a few half-lives', () => {
    const m = new RateMeter(1000, 250);
    let bytes = 0;
    m.sample(0, 1e12, 0);
    for (let t = 250; t <= 5000; t += 250) m.sample((bytes += 20 * MB * 0.25), 1e12, t);
    let last = 0;
    for (let t = 5250; t <= 10_000; t += 250) last = m.sample((bytes += 5 * MB * 0.25), 1e12, t)!.bytesPerSecond;
    // 4.75 half-lives after the drop, 15 MB/s × 2^-4.75 ≈ 0.56 MB/s of the old rate remains.
    expect(last).toBeGreaterThan(5 * MB);
    expect(last).toBeLessThan(5.7 * MB);
  });

  it('has no ETA while nothing moves', () => {
    const m = new RateMeter(2000, 250);
    m.sample(0, 100, 0);
    expect(m.sample(0, 100, 1000)).toEqual({ bytesPerSecond: 0, etaSeconds: null });
  });
});
