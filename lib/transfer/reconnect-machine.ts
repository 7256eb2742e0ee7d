// How both sides restore a dropped connection, as a pure machine: the controllers feed it
// what happened and carry out the effects (timers, offers, asks, what the page shows).
// The attempts together make the resume window: about a minute, enough for a Wi-Fi
// hand-over or a NAT rebinding, short enough that a person is not left waiting.

export const MAX_RESUME_ATTEMPTS = 5;

/** One attempt may take this long to open a new channel before the next one starts. */
export const RESUME_ATTEMPT_MS = 10_000;

/** The first attempt starts at once, later ones back off (0.5, 1, 2, 4 s). */
export function resumeDelayMs(attempt: number): number {
  return attempt <= 1 ? 0 : Math.min(4_000, 500 * 2 ** (attempt - 2));
}

/** A sender asked again within this long keeps the offer it already made. */
export const OFFER_FRESH_MS = 1_500;

/** The sender makes offers; the receiver asks for them. */
export type ReconnectRole = 'sender' | 'receiver';

export interface ReconnectState {
  readonly role: ReconnectRole;
  /** Attempts to restore the current drop (0 while connected). */
  readonly attempt: number;
  /** Sender: the receiver's latest attempt number that asked us for an offer. */
  readonly askedAttempt: number;
  /** Sender: when the latest offer went out (ms, the caller's clock). */
  readonly offeredAt: number;
}

export type ReconnectEvent =
  /** The connection dropped, or (receiver) an attempt's window passed without a new one. */
  | { type: 'dropped' }
  /** The backoff the machine asked for is over. */
  | { type: 'backoff-over' }
  /** Sender: an offer went out. */
  | { type: 'offered'; now: number }
  /**
   * Sender: the receiver asked for an offer with its attempt number. `channel` is how the
   * sender's side stands: no transfer yet, a channel open, or restoring a drop.
   */
  | { type: 'asked'; attempt: number; now: number; channel: 'none' | 'open' | 'restoring' }
  /** The transfer continues over a new connection. */
  | { type: 'resumed' };

export type ReconnectEffect =
  /** Show "Reconnecting… attempt N of M". */
  | { type: 'reconnecting'; attempt: number; maxAttempts: number }
  /** Every attempt failed: the transfer ends with `connection_lost`. */
  | { type: 'give-up' }
  /** Start a timer that delivers `event`, replacing any timer started before. */
  | { type: 'timer'; ms: number; event: 'backoff-over' | 'dropped' }
  | { type: 'cancel-timer' }
  /** Sender: make a new offer (fresh PeerConnection and ephemeral key). */
  | { type: 'offer' }
  /** Sender: the receiver never had a channel: start its first connection over. */
  | { type: 'restart' }
  /** Sender: the receiver noticed a drop we have not: treat the open channel as dropped. */
  | { type: 'drop' }
  /** Receiver: ask the sender (sealed) for an offer under this attempt number. */
  | { type: 'ask'; attempt: number };

export interface ReconnectStep {
  state: ReconnectState;
  effects: ReconnectEffect[];
}

export function reconnectStart(role: ReconnectRole): ReconnectState {
  return { role, attempt: 0, askedAttempt: 0, offeredAt: 0 };
}

export function reconnect(state: ReconnectState, event: ReconnectEvent): ReconnectStep {
  switch (event.type) {
    case 'dropped': {
      const attempt = state.attempt + 1;
      const next = { ...state, attempt };
      if (attempt > MAX_RESUME_ATTEMPTS) return { state: next, effects: [{ type: 'cancel-timer' }, { type: 'give-up' }] };
      return {
        state: next,
        effects: [
          { type: 'reconnecting', attempt, maxAttempts: MAX_RESUME_ATTEMPTS },
          { type: 'timer', ms: resumeDelayMs(attempt), event: 'backoff-over' },
        ],
      };
    }
    case 'backoff-over':
      if (state.role === 'sender') return { state, effects: [{ type: 'offer' }] };
      // The sender may be offering already; ask anyway, in case only we noticed.
      return {
        state,
        effects: [
          { type: 'ask', attempt: state.attempt },
          { type: 'timer', ms: RESUME_ATTEMPT_MS, event: 'dropped' },
        ],
      };
    case 'offered':
      return { state: { ...state, offeredAt: event.now }, effects: [] };
    case 'asked': {
      const retry = event.attempt > state.askedAttempt;
      const next = { ...state, askedAttempt: event.attempt };
      if (event.channel === 'none') return { state: next, effects: [{ type: 'restart' }] };
      if (event.channel === 'open') return { state: next, effects: [{ type: 'drop' }] };
      // Already restoring: a fresh offer stands, unless the receiver says its side of it
      // failed (a later attempt number); an old one is replaced.
      const stale = event.now - state.offeredAt > OFFER_FRESH_MS;
      return { state: next, effects: retry || stale ? [{ type: 'offer' }] : [] };
    }
    case 'resumed':
      return { state: { ...state, attempt: 0, askedAttempt: 0 }, effects: [{ type: 'cancel-timer' }] };
  }
}
