import { isVaultError, VaultError, type VaultErrorCode } from '../protocol/errors';
import { SessionIdSchema } from '../protocol/ids';
import { NameplateSchema, PakeMessageSchema, type PakeMessage } from '../protocol/pake';
import { fromBase64Url, toBase64Url } from '../protocol/base64url';
import { cpaceInitiator, cpaceResponder, lvCat, transcriptIr, type CpaceInputs, type CpaceParty } from './cpace';
import { bufferSource, subtle, utf8 } from './webcrypto';

// The short-code exchange: a receiver who typed a code obtains the sender's 32-byte link
// key, so code and link lead to one transfer path. Pure state machines: the caller moves
// the messages (JSON objects) and acts on the outcome.
//
//   receiver → sender   pake-a        { share: Ya }
//   sender → receiver   pake-b        { share: Yb }
//   receiver → sender   pake-confirm  { tag: Ta }
//   sender → receiver   pake-key      { tag: Tb, sealed }   or   pake-result { ok: false }
//
// CPace (draft-irtf-cfrg-cpace-21, lib/crypto/cpace.ts), receiver = initiator A, sender =
// responder B:
//   PRS = codePassword(words): the secret part of the code.
//   sid = the session id as UTF-8: public, unique per session, and a new code gets a new
//         session, so a sid never serves two runs (§10.9).
//   CI  = lv_cat("p2pvault/v1 code", "initiator=receiver", "responder=sender", nameplate):
//         binds the run to this protocol, the roles (§10.1.1) and the number the receiver
//         typed. Each side only ever plays its own role, which rules out reflecting a
//         party's message back at it (§10.1.2).
//   ADa = ADb = empty: nothing else public needs authenticating.
//
// From ISK (through a KDF, §10.3): HKDF-SHA-256(ISK, salt "p2pvault/v1 code", info) gives
// two HMAC-SHA-256 keys, "initiator confirm" and "responder confirm" (distinct, so no tag
// can be replayed in the other direction), and an AES-256-GCM key "secret seal". Both tags
// cover transcript_ir(Ya, ADa, Yb, ADb), as TLS's Finished covers its handshake. The seal
// key comes from this run's ISK and seals exactly one message, so its fixed all-zero IV is
// never used twice under one key; the transcript is its associated data.
//
// The sender sends nothing derived from ISK before Ta verifies, and it runs ONE exchange
// per code: the first pake-a spends the attempt. Any deviation (a wrong Ta, an invalid
// share, a second pake-a, a malformed or out-of-order message) ends it with pake-result
// { ok: false } and a failed outcome, and the caller closes the session. A second pake-a
// counts as failure rather than "busy": two parties trying one code means one of them is
// guessing, and a fresh code is cheap. So a guesser gets exactly one guess per code.

const CODE_LABEL = 'p2pvault/v1 code';
const EMPTY = new Uint8Array(0);
const SEAL_IV = new Uint8Array(12);
const SECRET_BYTES = 32;
const REFUSED: PakeMessage = { t: 'pake-result', ok: false };

interface ExchangeKeys {
  initiator: CryptoKey;
  responder: CryptoKey;
  seal: CryptoKey;
}

function cpaceInputs(password: Uint8Array, sessionId: string, nameplate: number): CpaceInputs {
  if (password.length === 0) throw new TypeError('the code password is empty');
  if (!SessionIdSchema.safeParse(sessionId).success) throw new TypeError('not a session id');
  if (!NameplateSchema.safeParse(nameplate).success) throw new TypeError('not a nameplate');
  const ci = lvCat(utf8(CODE_LABEL), utf8('initiator=receiver'), utf8('responder=sender'), utf8(String(nameplate)));
  return { prs: password, sid: utf8(sessionId), ci, ad: EMPTY };
}

async function deriveKeys(isk: Uint8Array): Promise<ExchangeKeys> {
  const base = await subtle.importKey('raw', bufferSource(isk), 'HKDF', false, ['deriveKey']);
  const hkdf = (info: string) => ({ name: 'HKDF', hash: 'SHA-256', salt: utf8(CODE_LABEL), info: utf8(info) });
  const mac = (info: string) => subtle.deriveKey(hkdf(info), base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign', 'verify']);
  const [initiator, responder, seal] = await Promise.all([
    mac('initiator confirm'),
    mac('responder confirm'),
    subtle.deriveKey(hkdf('secret seal'), base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
  ]);
  return { initiator, responder, seal };
}

async function tag(key: CryptoKey, transcript: Uint8Array): Promise<string> {
  return toBase64Url(new Uint8Array(await subtle.sign('HMAC', key, bufferSource(transcript))));
}

/** WebCrypto's HMAC verify compares in constant time. */
function tagMatches(key: CryptoKey, transcript: Uint8Array, tagText: string): Promise<boolean> {
  return subtle.verify('HMAC', key, bufferSource(fromBase64Url(tagText)), bufferSource(transcript));
}

/** Runs steps one at a time, in arrival order, so an await never lets two messages interleave. */
class Serial {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(step: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(step);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

export type SenderOutcome = { ok: true } | { ok: false; error: VaultError };

export interface SenderStep {
  /** The message to send back, if any. */
  send?: PakeMessage;
  /** Set once, when the exchange ends: the key went out, or why not (then close the session). */
  outcome?: SenderOutcome;
}

type SenderState =
  | { phase: 'await-share' }
  | { phase: 'await-confirm'; keys: ExchangeKeys; transcript: Uint8Array }
  | { phase: 'done' };

/** The side that shows the code and holds the link key. Never throws for what a peer sends. */
export class CodeSender {
  readonly #secret: Uint8Array;
  readonly #inputs: CpaceInputs;
  readonly #serial = new Serial();
  #state: SenderState = { phase: 'await-share' };

  constructor(secret: Uint8Array, password: Uint8Array, sessionId: string, nameplate: number) {
    if (secret.length !== SECRET_BYTES) throw new TypeError(`the secret must be ${SECRET_BYTES} bytes`);
    this.#secret = Uint8Array.from(secret);
    this.#inputs = cpaceInputs(password, sessionId, nameplate);
  }

  receive(message: unknown): Promise<SenderStep> {
    return this.#serial.run(() => this.#step(message));
  }

  async #step(message: unknown): Promise<SenderStep> {
    const state = this.#state;
    // After the end, every message is answered with the same refusal, and nothing else.
    if (state.phase === 'done') return { send: REFUSED };
    this.#state = { phase: 'done' };

    const parsed = PakeMessageSchema.safeParse(message);
    if (!parsed.success) return fail('frame_malformed', 'a code-exchange message did not validate');
    const msg = parsed.data;

    if (state.phase === 'await-share') {
      if (msg.t !== 'pake-a') return fail('protocol_violation', `${msg.t} before pake-a`);
      const party = cpaceResponder(this.#inputs);
      const ya = fromBase64Url(msg.share);
      let isk: Uint8Array;
      try {
        isk = party.finish(ya, EMPTY);
      } catch (error) {
        if (isVaultError(error)) return fail(error.code, error.message);
        throw error;
      }
      const transcript = transcriptIr(ya, EMPTY, party.share, EMPTY);
      this.#state = { phase: 'await-confirm', keys: await deriveKeys(isk), transcript };
      return { send: { t: 'pake-b', share: toBase64Url(party.share) } };
    }

    if (msg.t === 'pake-a') return fail('protocol_violation', 'a second pake-a: one attempt per code');
    if (msg.t !== 'pake-confirm') return fail('protocol_violation', `${msg.t} instead of pake-confirm`);
    if (!(await tagMatches(state.keys.initiator, state.transcript, msg.tag))) {
      return fail('wrong_code', "the receiver's confirmation does not match: it used another code");
    }
    const [tb, sealed] = await Promise.all([
      tag(state.keys.responder, state.transcript),
      subtle.encrypt({ name: 'AES-GCM', iv: SEAL_IV, additionalData: bufferSource(state.transcript) }, state.keys.seal, bufferSource(this.#secret)),
    ]);
    return { send: { t: 'pake-key', tag: tb, sealed: toBase64Url(new Uint8Array(sealed)) }, outcome: { ok: true } };
  }
}

function fail(code: VaultErrorCode, detail: string): SenderStep {
  return { send: REFUSED, outcome: { ok: false, error: new VaultError(code, detail) } };
}

export interface ReceiverStep {
  /** The message to send back, if any. */
  send?: PakeMessage;
  /** The sender's 32-byte link key, once the exchange succeeded. */
  secret?: Uint8Array;
}

type ReceiverState =
  | { phase: 'new' }
  | { phase: 'await-reply' }
  | { phase: 'await-key'; keys: ExchangeKeys; transcript: Uint8Array }
  | { phase: 'done' };

/**
 * The side that typed the code. `receive` throws a VaultError when the exchange fails:
 * `wrong_code` (the sender refused), `not_authentic` (the answer is not from a holder of
 * the code), `protocol_violation` or `frame_malformed`. The first failure ends it.
 */
export class CodeReceiver {
  readonly #party: CpaceParty;
  readonly #serial = new Serial();
  #state: ReceiverState = { phase: 'new' };

  constructor(password: Uint8Array, sessionId: string, nameplate: number) {
    this.#party = cpaceInitiator(cpaceInputs(password, sessionId, nameplate));
  }

  /** The first message; once. */
  start(): PakeMessage {
    if (this.#state.phase !== 'new') throw new Error('the code exchange already started');
    this.#state = { phase: 'await-reply' };
    return { t: 'pake-a', share: toBase64Url(this.#party.share) };
  }

  receive(message: unknown): Promise<ReceiverStep> {
    return this.#serial.run(() => this.#step(message));
  }

  async #step(message: unknown): Promise<ReceiverStep> {
    const state = this.#state;
    if (state.phase === 'new') throw new Error('start() the code exchange first');
    if (state.phase === 'done') throw new VaultError('protocol_violation', 'the code exchange is over');
    this.#state = { phase: 'done' };

    const parsed = PakeMessageSchema.safeParse(message);
    if (!parsed.success) throw new VaultError('frame_malformed', 'a code-exchange message did not validate');
    const msg = parsed.data;
    if (msg.t === 'pake-result') throw new VaultError('wrong_code', 'the sender refused the code');

    if (state.phase === 'await-reply') {
      if (msg.t !== 'pake-b') throw new VaultError('protocol_violation', `${msg.t} instead of pake-b`);
      const yb = fromBase64Url(msg.share);
      const isk = this.#party.finish(yb, EMPTY);
      const transcript = transcriptIr(this.#party.share, EMPTY, yb, EMPTY);
      const keys = await deriveKeys(isk);
      const ta = await tag(keys.initiator, transcript);
      this.#state = { phase: 'await-key', keys, transcript };
      return { send: { t: 'pake-confirm', tag: ta } };
    }

    if (msg.t !== 'pake-key') throw new VaultError('protocol_violation', `${msg.t} instead of pake-key`);
    if (!(await tagMatches(state.keys.responder, state.transcript, msg.tag))) {
      throw new VaultError('not_authentic', "the sender's confirmation does not match: it does not hold the code");
    }
    try {
      const secret = await subtle.decrypt(
        { name: 'AES-GCM', iv: SEAL_IV, additionalData: bufferSource(state.transcript) },
        state.keys.seal,
        bufferSource(fromBase64Url(msg.sealed)),
      );
      return { secret: new Uint8Array(secret) };
    } catch {
      throw new VaultError('not_authentic', 'the sealed link key does not open');
    }
  }
}
