import { describe, expect, it } from 'vitest';
import { codePassword } from '../../../lib/codes/short-code';
import { fromBase64Url, toBase64Url } from '../../../lib/protocol/base64url';
import { CodeReceiver, CodeSender, type SenderStep } from '../../../lib/crypto/code-exchange';
import { isVaultError } from '../../../lib/protocol/errors';
import type { PakeMessage } from '../../../lib/protocol/pake';

const random = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n));
const SESSION = toBase64Url(random(16));
const RIGHT = codePassword(['orbit', 'velvet', 'zebra']);
const WRONG = codePassword(['orbit', 'velvet', 'zoo']);
const IDENTITY_SHARE = toBase64Url(new Uint8Array(32));
// draft-irtf-cfrg-cpace-21 B.3.11: Y_i1, not the encoding of any ristretto255 element.
const INVALID_SHARE = toBase64Url(Buffer.from('2b3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c', 'hex'));

/** Messages cross a JSON wire, as they will between browser and server. */
const wire = <T>(message: T): unknown => JSON.parse(JSON.stringify(message));

async function codeError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isVaultError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a VaultError');
}

const outcomeCode = (step: SenderStep) => (step.outcome && !step.outcome.ok ? step.outcome.error.code : step.outcome);

interface Run {
  sent: PakeMessage[]; // everything the sender sent, in order
  outcome: SenderStep['outcome'];
  secret?: Uint8Array;
  receiverError?: string;
}

/** Drives both machines until one of them stops. */
async function exchange(sender: CodeSender, receiver: CodeReceiver, tamper = (m: PakeMessage) => m): Promise<Run> {
  const run: Run = { sent: [], outcome: undefined };
  let toSender: PakeMessage | undefined = receiver.start();
  while (toSender) {
    const step = await sender.receive(wire(toSender));
    if (step.outcome) run.outcome = step.outcome;
    if (!step.send) break;
    run.sent.push(step.send);
    try {
      const reply = await receiver.receive(wire(tamper(step.send)));
      if (reply.secret) run.secret = reply.secret;
      toSender = reply.send;
    } catch (error) {
      if (!isVaultError(error)) throw error;
      run.receiverError = error.code;
      break;
    }
  }
  return run;
}

describe('code exchange', () => {
  it('the right code: the receiver gets exactly the sender’s secret', async () => {
    const secret = random(32);
    const run = await exchange(new CodeSender(secret, RIGHT, SESSION, 7), new CodeReceiver(RIGHT, SESSION, 7));
    expect(run.outcome).toEqual({ ok: true });
    expect(run.receiverError).toBeUndefined();
    expect(run.secret).toEqual(secret);
    expect(run.sent.map((m) => m.t)).toEqual(['pake-b', 'pake-key']);
  });

  it('a wrong code: the sender reports wrong_code having sent nothing but Yb, and the receiver learns wrong_code', async () => {
    const secret = random(32);
    const run = await exchange(new CodeSender(secret, RIGHT, SESSION, 7), new CodeReceiver(WRONG, SESSION, 7));
    expect(outcomeCode({ outcome: run.outcome })).toBe('wrong_code');
    expect(run.receiverError).toBe('wrong_code');
    expect(run.secret).toBeUndefined();
    // Before it checked Ta the sender sent one message holding only its CPace share; after,
    // a bare refusal. No tag, no sealed key, nothing computed from ISK.
    expect(run.sent).toHaveLength(2);
    expect(Object.keys(run.sent[0]!).sort()).toEqual(['share', 't']);
    expect(run.sent[0]!.t).toBe('pake-b');
    expect(run.sent[1]).toEqual({ t: 'pake-result', ok: false });
    expect(JSON.stringify(run.sent)).not.toContain(toBase64Url(secret));
  });

  it.each([
    ['another nameplate', RIGHT, SESSION, 8],
    ['another session', RIGHT, toBase64Url(random(16)), 7],
  ] as const)('the right words with %s fail as a wrong code: CI and sid are bound in', async (_, password, session, nameplate) => {
    const run = await exchange(new CodeSender(random(32), RIGHT, SESSION, 7), new CodeReceiver(password, session, nameplate));
    expect(outcomeCode({ outcome: run.outcome })).toBe('wrong_code');
    expect(run.receiverError).toBe('wrong_code');
  });

  it('a second pake-a while the first attempt is open ends the exchange: no key goes out', async () => {
    const sender = new CodeSender(random(32), RIGHT, SESSION, 7);
    const honest = new CodeReceiver(RIGHT, SESSION, 7);
    const first = await sender.receive(wire(honest.start()));
    expect(first.send?.t).toBe('pake-b');
    const confirm = await honest.receive(wire(first.send));

    const second = await sender.receive(wire(new CodeReceiver(WRONG, SESSION, 7).start()));
    expect(second.send).toEqual({ t: 'pake-result', ok: false });
    expect(outcomeCode(second)).toBe('protocol_violation');
    // The honest confirmation arriving afterwards no longer gets the key.
    expect(await sender.receive(wire(confirm.send))).toEqual({ send: { t: 'pake-result', ok: false } });
  });

  it('a pake-a after a finished exchange is refused, and the outcome is not reported again', async () => {
    const sender = new CodeSender(random(32), RIGHT, SESSION, 7);
    const run = await exchange(sender, new CodeReceiver(RIGHT, SESSION, 7));
    expect(run.outcome).toEqual({ ok: true });
    expect(await sender.receive(wire(new CodeReceiver(RIGHT, SESSION, 7).start()))).toEqual({ send: { t: 'pake-result', ok: false } });
  });

  it('two pake-a delivered at once are handled in order: the first gets Yb, the second ends it', async () => {
    const sender = new CodeSender(random(32), RIGHT, SESSION, 7);
    const [a, b] = await Promise.all([
      sender.receive(wire(new CodeReceiver(RIGHT, SESSION, 7).start())),
      sender.receive(wire(new CodeReceiver(RIGHT, SESSION, 7).start())),
    ]);
    expect(a.send?.t).toBe('pake-b');
    expect(a.outcome).toBeUndefined();
    expect(b.send).toEqual({ t: 'pake-result', ok: false });
    expect(outcomeCode(b)).toBe('protocol_violation');
  });

  it.each([
    ['the identity', IDENTITY_SHARE],
    ['no element at all', INVALID_SHARE],
  ])('a pake-a whose share is %s: protocol_violation and a bare refusal', async (_, share) => {
    const step = await new CodeSender(random(32), RIGHT, SESSION, 7).receive({ t: 'pake-a', share });
    expect(step.send).toEqual({ t: 'pake-result', ok: false });
    expect(outcomeCode(step)).toBe('protocol_violation');
  });

  it.each([
    ['the identity', IDENTITY_SHARE],
    ['no element at all', INVALID_SHARE],
  ])('a pake-b whose share is %s: the receiver throws protocol_violation', async (_, share) => {
    const receiver = new CodeReceiver(RIGHT, SESSION, 7);
    receiver.start();
    expect(await codeError(receiver.receive({ t: 'pake-b', share }))).toBe('protocol_violation');
  });

  it.each([
    ['garbage', 'hello', 'frame_malformed'],
    ['null', null, 'frame_malformed'],
    ['a short share', { t: 'pake-a', share: IDENTITY_SHARE.slice(1) }, 'frame_malformed'],
    ['pake-confirm first', { t: 'pake-confirm', tag: toBase64Url(random(32)) }, 'protocol_violation'],
    ['pake-b', { t: 'pake-b', share: IDENTITY_SHARE }, 'protocol_violation'],
  ])('the sender refuses %s with a named error and never throws', async (_, message, code) => {
    const sender = new CodeSender(random(32), RIGHT, SESSION, 7);
    const step = await sender.receive(message);
    expect(step.send).toEqual({ t: 'pake-result', ok: false });
    expect(outcomeCode(step)).toBe(code);
    // That was its one attempt.
    expect(await sender.receive(wire(new CodeReceiver(RIGHT, SESSION, 7).start()))).toEqual({ send: { t: 'pake-result', ok: false } });
  });

  it('the receiver refuses malformed and out-of-order messages', async () => {
    const fresh = () => {
      const receiver = new CodeReceiver(RIGHT, SESSION, 7);
      receiver.start();
      return receiver;
    };
    expect(await codeError(fresh().receive({ t: 'pake-b' }))).toBe('frame_malformed');
    expect(await codeError(fresh().receive({ t: 'pake-key', tag: toBase64Url(random(32)), sealed: toBase64Url(random(48)) }))).toBe(
      'protocol_violation',
    );
    expect(await codeError(fresh().receive({ t: 'pake-result', ok: false }))).toBe('wrong_code');
    const over = fresh();
    await codeError(over.receive('garbage'));
    expect(await codeError(over.receive({ t: 'pake-b', share: IDENTITY_SHARE }))).toBe('protocol_violation');
  });

  const flipLastByte = (text: string) => {
    const bytes = fromBase64Url(text);
    bytes[bytes.length - 1]! ^= 1;
    return toBase64Url(bytes);
  };

  it.each([
    ['its tag', (m: Extract<PakeMessage, { t: 'pake-key' }>) => ({ ...m, tag: flipLastByte(m.tag) })],
    ['its sealed key', (m: Extract<PakeMessage, { t: 'pake-key' }>) => ({ ...m, sealed: flipLastByte(m.sealed) })],
    ['its sealed key, replaced', (m: Extract<PakeMessage, { t: 'pake-key' }>) => ({ ...m, sealed: toBase64Url(random(48)) })],
  ])('a pake-key with %s altered is rejected as not_authentic', async (_, alter) => {
    const run = await exchange(new CodeSender(random(32), RIGHT, SESSION, 7), new CodeReceiver(RIGHT, SESSION, 7), (m) =>
      m.t === 'pake-key' ? alter(m) : m,
    );
    expect(run.receiverError).toBe('not_authentic');
    expect(run.secret).toBeUndefined();
  });

  it('checks its own arguments', () => {
    expect(() => new CodeSender(random(31), RIGHT, SESSION, 7)).toThrow(TypeError);
    expect(() => new CodeSender(random(32), new Uint8Array(), SESSION, 7)).toThrow(TypeError);
    expect(() => new CodeSender(random(32), RIGHT, 'short', 7)).toThrow(TypeError);
    expect(() => new CodeReceiver(RIGHT, SESSION, 0)).toThrow(TypeError);
    expect(() => new CodeReceiver(RIGHT, SESSION, 1_000_000)).toThrow(TypeError);
    const receiver = new CodeReceiver(RIGHT, SESSION, 7);
    receiver.start();
    expect(() => receiver.start()).toThrow(/already started/);
  });
});
