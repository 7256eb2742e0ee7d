import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_ERRORS_REPORTED, MAX_SLOW_RELAYS, SLOW_RELAY_MS, type Health, type MeasureResult, type RampResult, type WorkerSettings } from './ipc';
import { endSession, envelopeFactory, openSession, type Pair } from './session';

// What one client worker does: hold its share of the sessions, add more when told
// (ramp), and during a measurement window send paced relays across all of them while
// timing a trickle of brand-new sessions (probes).

/** A ramp gives up after this share of failed session set-ups (the server is not keeping up). */
const MAX_FAILURE_SHARE = 0.05;
/** After a window, relays still undelivered this long are counted lost. */
const DRAIN_MS = 5_000;
/** Probes in flight per worker; beyond it a probe tick is skipped rather than piling up. */
const MAX_PROBES_IN_FLIGHT = 8;
/** Relay pacing tick: small enough that the rate is smooth, large enough to cost nothing. */
const TICK_MS = 5;

interface Pending {
  sentAt: number;
  /** False during the window's warm-up: delivered, but not counted. */
  counted: boolean;
}

function noteError(errors: string[], error: unknown) {
  if (errors.length < MAX_ERRORS_REPORTED) errors.push(error instanceof Error ? error.message : String(error));
}

export class ClientLoad {
  private readonly pairs: Pair[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly envelopes;
  private seq = 0;
  private disconnects = 0;
  /** Why held sockets dropped, and what the server announced, with counts. */
  private readonly dropReasons: Record<string, number> = {};
  /** The window being measured, if any: deliveries land in it. */
  private window: MeasureResult | null = null;

  constructor(private readonly settings: WorkerSettings) {
    this.envelopes = envelopeFactory(settings.envelopeBytes);
  }

  health(): Health {
    return { disconnects: this.disconnects, dropReasons: { ...this.dropReasons }, sessions: this.pairs.length };
  }

  private readonly hooks = {
    onSignal: (ct: string, at: number) => {
      const seq = this.envelopes.seqOf(ct);
      const sent = this.pending.get(seq);
      if (!sent) return;
      this.pending.delete(seq);
      if (!sent.counted || !this.window) return;
      const ms = at - sent.sentAt;
      this.window.relayMs.push(ms);
      if (ms <= SLOW_RELAY_MS) return;
      this.window.slowCount++;
      if (this.window.slowRelays.length < MAX_SLOW_RELAYS) this.window.slowRelays.push([Math.round(performance.timeOrigin + sent.sentAt), Math.round(ms)]);
    },
    onDrop: (reason: string) => {
      this.disconnects++;
      this.dropReasons[reason] = (this.dropReasons[reason] ?? 0) + 1;
    },
    onNotice: (what: string) => {
      this.dropReasons[what] = (this.dropReasons[what] ?? 0) + 1;
    },
  };

  /**
   * Opens sessions one after another, each checked end to end (join, peer-joined, one
   * relay delivered, end): it proves the servers work — in the Redis runs, that two
   * instances really share sessions and rooms — and warms their code paths up.
   */
  async warmup(sessions: number): Promise<null> {
    for (let i = 0; i < sessions; i++) {
      const { pair } = await openSession(this.settings.targets, this.hooks);
      try {
        await this.relayOnce(pair);
      } finally {
        await endSession(pair).catch(() => {});
      }
    }
    return null;
  }

  private async relayOnce(pair: Pair): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const delivered = new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error('a relayed signal did not arrive within 5 s')), 5_000);
      pair.receiver.once('signal', () => resolve());
    });
    try {
      const envelope = this.envelopes.make(this.seq++);
      const ack = (await pair.sender.timeout(5_000).emitWithAck('signal', { to: pair.receiverPeerId, envelope })) as { ok: boolean; code?: string };
      if (!ack.ok) throw new Error(`signal: ${ack.code}`);
      await delivered;
    } finally {
      clearTimeout(timer);
    }
  }

  async ramp(target: number, concurrency: number): Promise<RampResult> {
    const result: RampResult = { sessions: 0, added: 0, failed: 0, elapsedMs: 0, postMs: [], joinMs: [], errors: [] };
    const start = performance.now();
    let remaining = Math.max(0, target - this.pairs.length);
    const maxFailures = Math.max(20, Math.ceil(remaining * MAX_FAILURE_SHARE));
    const lane = async () => {
      while (remaining > 0 && result.failed <= maxFailures) {
        remaining--;
        try {
          const opened = await openSession(this.settings.targets, this.hooks);
          this.pairs.push(opened.pair);
          result.added++;
          result.postMs.push(opened.postMs);
          result.joinMs.push(opened.joinMs);
        } catch (error) {
          remaining++;
          result.failed++;
          noteError(result.errors, error);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    result.elapsedMs = performance.now() - start;
    result.sessions = this.pairs.length;
    return result;
  }

  async measure(relayRate: number, probeRate: number, durationMs: number, warmupMs: number): Promise<MeasureResult> {
    const window: MeasureResult = { relayMs: [], slowRelays: [], slowCount: 0, ackMs: [], relaysSent: 0, relaysLost: 0, probeJoinMs: [], probePostMs: [], probeFailed: 0, errors: [] };
    this.window = window;
    const start = performance.now();
    const countFrom = start + warmupMs;
    let sent = 0;
    let next = 0;
    // Paced by the clock, not by the tick count: a late tick sends what it owes.
    const relays = setInterval(() => {
      if (this.pairs.length === 0) return;
      const now = performance.now();
      for (let due = Math.floor((relayRate * (now - start)) / 1000) - sent; due > 0; due--, sent++) {
        this.relay(this.pairs[next++ % this.pairs.length]!, now >= countFrom, window);
      }
    }, TICK_MS);
    let probesInFlight = 0;
    let closed = false;
    const probes =
      probeRate > 0
        ? setInterval(() => {
            if (probesInFlight >= MAX_PROBES_IN_FLIGHT) return;
            probesInFlight++;
            const counted = performance.now() >= countFrom;
            this.probe().then(
              ({ joinMs, postMs }) => {
                if (closed || !counted) return;
                window.probeJoinMs.push(joinMs);
                window.probePostMs.push(postMs);
              },
              (error: unknown) => {
                if (closed) return;
                window.probeFailed++;
                noteError(window.errors, error);
              },
            ).finally(() => probesInFlight--);
          }, 1000 / probeRate)
        : undefined;

    await sleep(warmupMs + durationMs);
    clearInterval(relays);
    clearInterval(probes);
    const drainUntil = performance.now() + DRAIN_MS;
    while ((this.pending.size > 0 || probesInFlight > 0) && performance.now() < drainUntil) await sleep(20);
    // What has not finished by now is a failure; the result is sent, so late answers are dropped.
    closed = true;
    if (probesInFlight > 0) {
      window.probeFailed += probesInFlight;
      noteError(window.errors, `${probesInFlight} new session(s) still not set up ${DRAIN_MS / 1000} s after the window`);
    }
    window.relaysLost = [...this.pending.values()].filter((p) => p.counted).length;
    this.pending.clear();
    this.window = null;
    return window;
  }

  private relay(pair: Pair, counted: boolean, window: MeasureResult) {
    const seq = this.seq++;
    const sentAt = performance.now();
    this.pending.set(seq, { sentAt, counted });
    if (counted) window.relaysSent++;
    pair.sender.emit('signal', { to: pair.receiverPeerId, envelope: this.envelopes.make(seq) }, (ack: { ok: boolean; code?: string }) => {
      if (!ack.ok) noteError(window.errors, `signal ack: ${ack.code}`);
      else if (counted) window.ackMs.push(performance.now() - sentAt);
    });
  }

  /** A new session while all the others are up: its join → peer-joined is the steady-state figure. */
  private async probe(): Promise<{ joinMs: number; postMs: number }> {
    const opened = await openSession(this.settings.targets, this.hooks);
    await endSession(opened.pair);
    return { joinMs: opened.joinMs, postMs: opened.postMs };
  }

  close() {
    for (const pair of this.pairs.splice(0)) {
      pair.sender.close();
      pair.receiver.close();
    }
  }
}
