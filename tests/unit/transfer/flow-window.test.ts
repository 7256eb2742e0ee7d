import { describe, expect, it } from 'vitest';
import { FlowWindow } from '../../../lib/transfer/flow-window';

describe('flow-control window', () => {
  it('admits chunks until the window is full, and again as acks arrive', () => {
    const w = new FlowWindow(1000);
    expect(w.canSend(400)).toBe(true);
    w.sent(400);
    w.sent(400);
    expect(w.inFlight).toBe(800);
    expect(w.canSend(200)).toBe(true);
    expect(w.canSend(201)).toBe(false);
    w.acked('f', 300);
    expect(w.inFlight).toBe(500);
    expect(w.canSend(500)).toBe(true);
    expect(w.acknowledged).toBe(300);
  });

  it('always lets one chunk through when nothing is in flight, even if larger than the window', () => {
    const w = new FlowWindow(100);
    expect(w.canSend(5000)).toBe(true);
  });

  it('ignores stale and repeated acks; counts acks per file', () => {
    const w = new FlowWindow(1000);
    w.sent(900);
    w.acked('a', 300);
    w.acked('a', 200);
    w.acked('a', 300);
    expect(w.acknowledged).toBe(300);
    w.acked('b', 100);
    expect(w.acknowledged).toBe(400);
    expect(w.inFlight).toBe(500);
  });

  it('wakes a waiting sender when an ack makes room, or when interrupted', async () => {
    const w = new FlowWindow(100);
    w.sent(100);
    let released = false;
    const waiting = w.waitFor(50, () => false).then(() => (released = true));
    await Promise.resolve();
    expect(released).toBe(false);
    w.acked('f', 60);
    await waiting;
    expect(released).toBe(true);

    let stop = false;
    const cancelled = w.waitFor(100, () => stop);
    stop = true;
    w.interrupt();
    await cancelled;
  });
});
