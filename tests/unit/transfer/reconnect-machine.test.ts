import { describe, expect, it } from 'vitest';
import {
  MAX_RESUME_ATTEMPTS,
  OFFER_FRESH_MS,
  reconnect,
  reconnectStart,
  RESUME_ATTEMPT_MS,
  resumeDelayMs,
  type ReconnectEvent,
  type ReconnectState,
} from '../../../lib/transfer/reconnect-machine';

function run(state: ReconnectState, ...events: ReconnectEvent[]) {
  let effects: ReturnType<typeof reconnect>['effects'] = [];
  for (const event of events) ({ state, effects } = reconnect(state, event));
  return { state, effects };
}

describe('reconnect machine', () => {
  it('starts the first attempt at once, backs off after, and bounds the whole window to about a minute', () => {
    const delays = Array.from({ length: MAX_RESUME_ATTEMPTS }, (_, i) => resumeDelayMs(i + 1));
    expect(delays).toEqual([0, 500, 1_000, 2_000, 4_000]);
    const window = delays.reduce((sum, d) => sum + d + RESUME_ATTEMPT_MS, 0);
    expect(window).toBeGreaterThanOrEqual(30_000);
    expect(window).toBeLessThanOrEqual(90_000);
  });

  it('shows each attempt and waits its backoff, then gives up after the last', () => {
    let state = reconnectStart('sender');
    for (let attempt = 1; attempt <= MAX_RESUME_ATTEMPTS; attempt++) {
      const step = reconnect(state, { type: 'dropped' });
      expect(step.effects).toEqual([
        { type: 'reconnecting', attempt, maxAttempts: MAX_RESUME_ATTEMPTS },
        { type: 'timer', ms: resumeDelayMs(attempt), event: 'backoff-over' },
      ]);
      state = step.state;
    }
    expect(reconnect(state, { type: 'dropped' }).effects).toEqual([{ type: 'cancel-timer' }, { type: 'give-up' }]);
  });

  it('a sender offers after the backoff; a receiver asks, and counts an attempt without a new channel as a drop', () => {
    const sender = run(reconnectStart('sender'), { type: 'dropped' }, { type: 'backoff-over' });
    expect(sender.effects).toEqual([{ type: 'offer' }]);
    const receiver = run(reconnectStart('receiver'), { type: 'dropped' }, { type: 'dropped' }, { type: 'backoff-over' });
    expect(receiver.effects).toEqual([
      { type: 'ask', attempt: 2 },
      { type: 'timer', ms: RESUME_ATTEMPT_MS, event: 'dropped' },
    ]);
  });

  it('a resumed connection ends the drop: the next one counts from 1 again', () => {
    const { state, effects } = run(reconnectStart('receiver'), { type: 'dropped' }, { type: 'dropped' }, { type: 'resumed' });
    expect(effects).toEqual([{ type: 'cancel-timer' }]);
    expect(state.attempt).toBe(0);
    expect(reconnect(state, { type: 'dropped' }).effects[0]).toEqual({ type: 'reconnecting', attempt: 1, maxAttempts: MAX_RESUME_ATTEMPTS });
  });

  it("a sender keeps a fresh offer when asked again, but replaces it on the receiver's later attempt or once stale", () => {
    const restoring = run(reconnectStart('sender'), { type: 'dropped' }, { type: 'offered', now: 1_000 }, { type: 'asked', attempt: 1, now: 1_100, channel: 'restoring' });
    expect(restoring.effects).toEqual([{ type: 'offer' }]); // attempt 1 is news
    const again = reconnect(restoring.state, { type: 'asked', attempt: 1, now: 1_200, channel: 'restoring' });
    expect(again.effects).toEqual([]);
    expect(reconnect(again.state, { type: 'asked', attempt: 2, now: 1_300, channel: 'restoring' }).effects).toEqual([{ type: 'offer' }]);
    expect(reconnect(again.state, { type: 'asked', attempt: 1, now: 1_000 + OFFER_FRESH_MS + 1, channel: 'restoring' }).effects).toEqual([{ type: 'offer' }]);
  });

  it('a sender asked with no transfer yet starts over; with its channel open, takes it as dropped; either way it remembers the attempt', () => {
    const none = reconnect(reconnectStart('sender'), { type: 'asked', attempt: 1, now: 0, channel: 'none' });
    expect(none.effects).toEqual([{ type: 'restart' }]);
    expect(none.state.askedAttempt).toBe(1);
    const open = reconnect(none.state, { type: 'asked', attempt: 1, now: 0, channel: 'open' });
    expect(open.effects).toEqual([{ type: 'drop' }]);
    expect(reconnect(open.state, { type: 'asked', attempt: 1, now: 0, channel: 'restoring' }).effects).toEqual([]);
  });
});
