import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  calculateGenerator,
  cpaceInitiator,
  cpaceResponder,
  deriveIsk,
  generatorString,
  lvCat,
  prependLen,
  scalarFromBytes,
  scalarMult,
  scalarMultVfy,
  transcriptIr,
  transcriptOc,
} from '../../../lib/crypto/cpace';
import { isVaultError } from '../../../lib/protocol/errors';

// Every expected value comes from draft-irtf-cfrg-cpace-21 (see the file's "source").
const vectors = JSON.parse(readFileSync(new URL('../../vectors/cpace-ristretto255.json', import.meta.url), 'utf8'));
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const range = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);

describe('CPace string functions (draft A.1, A.3)', () => {
  const { stringUtils } = vectors;

  it('prepend_len', () => {
    const inputs: Record<string, Uint8Array> = { 'range(127)': range(127), 'range(128)': range(128) };
    for (const v of stringUtils.prepend_len) {
      expect(hex(prependLen(inputs[v.input] ?? bytes(v.input)))).toBe(v.output);
    }
  });

  it('lv_cat', () => {
    expect(hex(lvCat(...stringUtils.lv_cat.inputs.map(bytes)))).toBe(stringUtils.lv_cat.output);
  });

  it('transcript_ir and transcript_oc', () => {
    for (const [fn, cases] of [
      [transcriptIr, stringUtils.transcript_ir],
      [transcriptOc, stringUtils.transcript_oc],
    ] as const) {
      for (const v of cases) expect(hex(fn(bytes(v.Ya), bytes(v.ADa), bytes(v.Yb), bytes(v.ADb)))).toBe(v.output);
    }
  });
});

describe('CPACE-RISTR255-SHA512 (draft B.3)', () => {
  const gen = vectors.generator;
  const ex = vectors.exchange;

  it('generator_string and the generator g (B.3.1)', () => {
    const str = generatorString(bytes(gen.DSI), bytes(gen.PRS), bytes(gen.CI), bytes(gen.sid), gen['H.s_in_bytes']);
    expect(hex(str)).toBe(gen['generator_string(G.DSI,PRS,CI,sid,H.s_in_bytes)']);
    expect(Buffer.from(gen.DSI, 'hex').toString()).toBe('CPaceRistretto255');
    expect(hex(calculateGenerator(bytes(gen.PRS), bytes(gen.CI), bytes(gen.sid)).toBytes())).toBe(gen['encoded generator g']);
    expect(ex.g).toBe(gen['encoded generator g']);
  });

  it('Ya, Yb, K and both ISKs (B.3.2 to B.3.6)', () => {
    const g = calculateGenerator(bytes(ex.PRS), bytes(ex.CI), bytes(ex.sid));
    const ya = scalarFromBytes(bytes(ex.ya));
    const yb = scalarFromBytes(bytes(ex.yb));
    expect(hex(scalarMult(ya, g))).toBe(ex.Ya);
    expect(hex(scalarMult(yb, g))).toBe(ex.Yb);
    expect(hex(scalarMultVfy(ya, bytes(ex.Yb)))).toBe(ex.K);
    expect(hex(scalarMultVfy(yb, bytes(ex.Ya)))).toBe(ex.K);

    const ir = transcriptIr(bytes(ex.Ya), bytes(ex.ADa), bytes(ex.Yb), bytes(ex.ADb));
    const oc = transcriptOc(bytes(ex.Ya), bytes(ex.ADa), bytes(ex.Yb), bytes(ex.ADb));
    expect(hex(ir)).toBe(ex['transcript_ir(Ya,ADa,Yb,ADb)']);
    expect(hex(oc)).toBe(ex['transcript_oc(Ya,ADa,Yb,ADb)']);
    expect(hex(deriveIsk(bytes(ex.sid), bytes(ex.K), ir))).toBe(ex.ISK_IR);
    expect(hex(deriveIsk(bytes(ex.sid), bytes(ex.K), oc))).toBe(ex.ISK_SY);
  });

  it('cpaceInitiator and cpaceResponder reach ISK_IR with the draft scalars', () => {
    const common = { prs: bytes(ex.PRS), sid: bytes(ex.sid), ci: bytes(ex.CI) };
    const a = cpaceInitiator({ ...common, ad: bytes(ex.ADa) }, bytes(ex.ya));
    const b = cpaceResponder({ ...common, ad: bytes(ex.ADb) }, bytes(ex.yb));
    expect(hex(a.share)).toBe(ex.Ya);
    expect(hex(b.share)).toBe(ex.Yb);
    expect(hex(b.finish(a.share, bytes(ex.ADa)))).toBe(ex.ISK_IR);
    expect(hex(a.finish(b.share, bytes(ex.ADb)))).toBe(ex.ISK_IR);
  });

  it('scalar_mult_vfy: the valid case, and G.I for an invalid encoding and for the identity (B.3.10, B.3.11)', () => {
    const { valid, invalid } = vectors.scalarMult;
    const s = scalarFromBytes(bytes(valid.s));
    expect(hex(scalarMultVfy(s, bytes(valid.X)))).toBe(valid['G.scalar_mult_vfy(s,X)']);
    expect(valid['G.scalar_mult(s,decode(X))']).toBe(valid['G.scalar_mult_vfy(s,X)']);
    for (const y of invalid) expect(hex(scalarMultVfy(s, bytes(y)))).toBe('00'.repeat(32));
  });

  it('a party aborts with protocol_violation on the invalid shares, a short share and a long one', () => {
    const { invalid, valid } = vectors.scalarMult;
    const shares = [...invalid.map(bytes), bytes(valid.X).subarray(0, 31), Uint8Array.of(...bytes(valid.X), 0)];
    for (const share of shares) {
      const a = cpaceInitiator({ prs: bytes(ex.PRS), sid: bytes(ex.sid), ci: bytes(ex.CI), ad: new Uint8Array() });
      let caught: unknown;
      try {
        a.finish(share, new Uint8Array());
      } catch (error) {
        caught = error;
      }
      expect(isVaultError(caught) && caught.code).toBe('protocol_violation');
    }
  });
});

describe('CPace parties', () => {
  const inputs = (prs: string, ad: string) => ({ prs: Buffer.from(prs), sid: range(16), ci: Buffer.from('ci'), ad: Buffer.from(ad) });

  it('random scalars: the same password gives one ISK, another password a different one', () => {
    const a = cpaceInitiator(inputs('abandon-ability-able', 'a'));
    const b = cpaceResponder(inputs('abandon-ability-able', 'b'));
    const isk = b.finish(a.share, Buffer.from('a'));
    expect(isk).toHaveLength(64);
    expect(hex(a.finish(b.share, Buffer.from('b')))).toBe(hex(isk));

    const c = cpaceInitiator(inputs('abandon-ability-able', 'a'));
    const d = cpaceResponder(inputs('abandon-ability-about', 'b'));
    expect(hex(c.finish(d.share, Buffer.from('b')))).not.toBe(hex(d.finish(c.share, Buffer.from('a'))));
  });

  it('a party finishes once: its scalar is not reused', () => {
    const a = cpaceInitiator(inputs('pw', ''));
    const b = cpaceResponder(inputs('pw', ''));
    a.finish(b.share, new Uint8Array());
    expect(() => a.finish(b.share, new Uint8Array())).toThrow(/already finished/);
  });

  it('refuses a test scalar of zero or of the group order', () => {
    const order = 2n ** 252n + 27742317777372353535851937790883648493n;
    const le = (n: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
    expect(() => cpaceInitiator(inputs('pw', ''), le(0n))).toThrow(RangeError);
    expect(() => cpaceInitiator(inputs('pw', ''), le(order))).toThrow(RangeError);
    expect(() => cpaceInitiator(inputs('pw', ''), le(order - 1n))).not.toThrow();
  });
});
