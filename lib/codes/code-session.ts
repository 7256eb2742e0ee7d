import { CodeReceiver, CodeSender, type SenderOutcome } from '../crypto/code-exchange';
import { VaultError } from '../protocol/errors';
import type { PakeMessage } from '../protocol/pake';
import { codePassword, formatCode, newCodeWords } from './short-code';

// The short code's PAKE (lib/crypto/code-exchange.ts) as each page runs it: who may run
// the one exchange a code allows, and how long it may take.

/**
 * A code exchange must finish in this time, on both sides: one left hanging spends the
 * code like a wrong guess (sender), or ends with `connection_failed` (receiver). The
 * server's default CODE_EXCHANGE_TIMEOUT_SECONDS is the same.
 */
export const CODE_EXCHANGE_MS = 30_000;

/** A short code, parsed (lib/codes/short-code.ts): the number named the session; the words are the PAKE's password. */
export interface TypedCode {
  nameplate: number;
  words: string[];
}

type Send = (message: PakeMessage) => Promise<void>;

/**
 * The sender's code: the words stay in this page; the server knows only the number.
 * One exchange per code, the first receiver's; others are refused without learning anything.
 */
export class SharedCode {
  readonly words = newCodeWords();
  #attempt: { peerId: string; exchange: CodeSender; timer: ReturnType<typeof setTimeout> } | null = null;
  /** A receiver obtained the key with it, or its one guess went wrong: later attempts are refused. */
  #spent = false;
  /** Receivers that joined with the code and have not started an exchange (nor proved K). */
  readonly #idle = new Set<string>();
  /** Receivers that proved K (an envelope from them opened). */
  readonly #confirmed = new Set<string>();

  constructor(
    readonly nameplate: number,
    private readonly linkKey: Uint8Array,
    private readonly sessionId: string,
    /** The exchange was left unfinished past CODE_EXCHANGE_MS. */
    private readonly expired: (error: VaultError) => void,
  ) {}

  get text(): string {
    return formatCode(this.nameplate, this.words);
  }

  get spent(): boolean {
    return this.#spent;
  }

  joined(peerId: string): void {
    this.#idle.add(peerId);
  }

  /** An envelope from `peerId` opened, so it holds K: true the first time (the server is then told, `code-ok`). */
  proved(peerId: string): boolean {
    if (this.#confirmed.has(peerId)) return false;
    this.#confirmed.add(peerId);
    this.#idle.delete(peerId);
    return true;
  }

  /** It left without starting an exchange: true if the code still works. */
  leftIdle(peerId: string): boolean {
    return this.#idle.delete(peerId) && !this.#spent;
  }

  /** `peerId` is running the code's exchange, unfinished. */
  runningWith(peerId: string): boolean {
    return this.#attempt?.peerId === peerId && !this.#spent;
  }

  /**
   * One PAKE message from `from`; replies go out with `send`. Resolves with the outcome
   * once the exchange ended (on `ok` the code is spent), null while it goes on or when
   * `from` was refused.
   */
  async receive(from: string, message: PakeMessage, send: Send): Promise<SenderOutcome | null> {
    if (this.#spent || (this.#attempt && this.#attempt.peerId !== from)) {
      void send({ t: 'pake-result', ok: false }).catch(() => {});
      return null;
    }
    this.#idle.delete(from);
    this.#attempt ??= {
      peerId: from,
      exchange: new CodeSender(this.linkKey, codePassword(this.words), this.sessionId, this.nameplate),
      timer: setTimeout(() => this.expired(new VaultError('wrong_code', 'the code exchange was not completed')), CODE_EXCHANGE_MS),
    };
    const attempt = this.#attempt;
    const step = await attempt.exchange.receive(message);
    // The refusal must reach the guesser before the session closes.
    if (step.send) await send(step.send).catch(() => {});
    if (!step.outcome) return null;
    clearTimeout(attempt.timer);
    if (step.outcome.ok) this.#spent = true;
    return step.outcome;
  }

  /** Its one guess was spent wrongly (or the session closed): no exchange is possible any more. */
  spend(): void {
    this.#spent = true;
    this.dispose();
  }

  dispose(): void {
    if (this.#attempt) clearTimeout(this.#attempt.timer);
  }
}

/**
 * The receiver's side of the exchange (the initiator): `key` resolves with the link key
 * the sender hands over, or rejects (`wrong_code` when the sender refused our words).
 */
export class CodeReceiverSession {
  readonly key: Promise<Uint8Array>;
  readonly #exchange: CodeReceiver;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #started = false;
  #settled = false;
  /** Messages are read in order; a session closing waits for those already in. */
  #reading: Promise<void> = Promise.resolve();
  #finish!: (error: unknown, key?: Uint8Array) => void;

  constructor(
    code: TypedCode,
    sessionId: string,
    private readonly send: (to: string, message: PakeMessage) => Promise<void>,
    /** Called once, as the exchange ends either way. */
    settled: () => void,
  ) {
    this.#exchange = new CodeReceiver(codePassword(code.words), sessionId, code.nameplate);
    this.key = new Promise<Uint8Array>((resolve, reject) => {
      this.#finish = (error, key) => {
        if (this.#settled) return;
        this.#settled = true;
        if (this.#timer) clearTimeout(this.#timer);
        settled();
        if (key) resolve(key);
        else reject(error);
      };
    });
  }

  /** The sender is present: start the exchange (once). */
  begin(sender: string): void {
    if (this.#started) return;
    this.#started = true;
    this.#timer = setTimeout(() => this.#finish(new VaultError('connection_failed', 'the sender did not answer the code exchange')), CODE_EXCHANGE_MS);
    this.send(sender, this.#exchange.start()).catch((error: unknown) => this.#finish(error));
  }

  receive(from: string, message: PakeMessage): void {
    this.#reading = this.#reading
      .then(async () => {
        const step = await this.#exchange.receive(message);
        if (step.send) await this.send(from, step.send);
        if (step.secret) this.#finish(null, step.secret);
      })
      .catch((error: unknown) => this.#finish(error));
  }

  /** Signaling closed: the exchange ends once the messages already in were read. */
  closed(error: VaultError): void {
    void this.#reading.then(() => this.#finish(error));
  }
}
