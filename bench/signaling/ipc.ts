// Messages between the coordinator (run.ts) and its client workers (worker.ts), over
// the child_process IPC channel. Latencies travel as plain millisecond arrays: at most
// a few tens of thousands per step, cheap to send and exact to merge.

/** Where a worker's clients go: in the two-instance runs senders and receivers meet through Redis. */
export interface Targets {
  /** POST /api/session goes here (the senders' instance, as a browser would do it). */
  httpUrl: string;
  senderUrl: string;
  receiverUrl: string;
}

export interface WorkerSettings {
  targets: Targets;
  envelopeBytes: number;
}

export type Command =
  | { id: number; cmd: 'warmup'; sessions: number }
  | { id: number; cmd: 'ramp'; target: number; concurrency: number }
  | { id: number; cmd: 'measure'; relayRate: number; probeRate: number; durationMs: number; warmupMs: number }
  | { id: number; cmd: 'close' };

export interface RampResult {
  /** Sessions this worker holds now. */
  sessions: number;
  added: number;
  failed: number;
  elapsedMs: number;
  /** POST /api/session round trip. */
  postMs: number[];
  /** Receiver's join emitted → sender's peer-joined arrived. */
  joinMs: number[];
  errors: string[];
}

export interface MeasureResult {
  /** Sender's signal emitted → receiver's signal arrived. */
  relayMs: number[];
  /** Relays slower than SLOW_RELAY_MS as [send time (epoch ms), latency ms]: when the stalls were. */
  slowRelays: [number, number][];
  /** All relays slower than SLOW_RELAY_MS (slowRelays keeps only the first MAX_SLOW_RELAYS). */
  slowCount: number;
  /** Sender's signal emitted → its ack arrived. */
  ackMs: number[];
  relaysSent: number;
  relaysLost: number;
  probeJoinMs: number[];
  probePostMs: number[];
  probeFailed: number;
  errors: string[];
}

export interface Health {
  /** Held sockets that dropped since the worker started (a server or client that could not keep up). */
  disconnects: number;
  /** `role: reason` → count, for drops and for the server's session-closed notices. */
  dropReasons: Record<string, number>;
  sessions: number;
}

export type Reply =
  | { id: number; ok: true; result: RampResult | MeasureResult | null; health: Health }
  | { id: number; ok: false; error: string; health: Health };

export const SLOW_RELAY_MS = 100;
/** Per worker and window; enough to see when stalls happened and how long they lasted. */
export const MAX_SLOW_RELAYS = 300;

/** How many errors a worker reports verbatim; the rest are only counted. */
export const MAX_ERRORS_REPORTED = 5;
