// Delays both controllers and the CLI agree on.

/** How long a failed or stopped side keeps its channel open so its error frame is delivered. */
export const ERROR_LINGER_MS = 500;

/** How long a finished connection stays open so the receiver's last frames settle. */
export const DONE_LINGER_MS = 1_000;
