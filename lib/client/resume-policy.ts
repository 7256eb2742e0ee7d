// How hard both pages try to restore a dropped connection before giving up. The
// attempts together make the resume window: about a minute, enough for a Wi-Fi
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
