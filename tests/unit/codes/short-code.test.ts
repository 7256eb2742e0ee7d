import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { codePassword, codeProblem, formatCode, isCodeWord, newCodeWords, parseCode, suggestWords } from '../../../lib/codes/short-code';
import { WORDLIST } from '../../../lib/codes/wordlist';

describe('wordlist', () => {
  it('is the BIP-39 English list, byte for byte', () => {
    // SHA-256 of bip-0039/english.txt (one word per line, LF-terminated) in github.com/bitcoin/bips.
    const digest = createHash('sha256').update(WORDLIST.join('\n') + '\n').digest('hex');
    expect(digest).toBe('2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda');
  });

  it('has 2048 sorted lower-case words, told apart by their first four letters', () => {
    expect(WORDLIST).toHaveLength(2048);
    expect([...WORDLIST].sort()).toEqual(WORDLIST);
    expect(WORDLIST.every((w) => /^[a-z]{3,8}$/.test(w))).toBe(true);
    expect(new Set(WORDLIST.map((w) => w.slice(0, 4))).size).toBe(2048);
  });
});

describe('short codes', () => {
  it('newCodeWords: 3 list words, from across the whole list', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const words = newCodeWords();
      expect(words).toHaveLength(3);
      for (const w of words) seen.add(w);
    }
    expect([...seen].every(isCodeWord)).toBe(true);
    // 6000 uniform draws from 2048 leave about 2048·e^-2.93 ≈ 110 words unseen; a draw from
    // half the list (a broken mask) would see at most 1024.
    expect(seen.size).toBeGreaterThan(1800);
  });

  it('formatCode', () => {
    expect(formatCode(7, ['orbit', 'velvet', 'zebra'])).toBe('7-orbit-velvet-zebra');
    expect(formatCode(999_999, ['Abandon', 'ZOO', 'able'])).toBe('999999-abandon-zoo-able');
    for (const [n, words] of [
      [0, ['orbit', 'velvet', 'zebra']],
      [1_000_000, ['orbit', 'velvet', 'zebra']],
      [1.5, ['orbit', 'velvet', 'zebra']],
      [7, ['orbit', 'velvet']],
      [7, ['orbit', 'velvet', 'zebra', 'zoo']],
      [7, ['orbit', 'velvet', 'lantern']],
    ] as const) {
      expect(() => formatCode(n, words)).toThrow(RangeError);
    }
  });

  const accepted: [string, number, string[]][] = [
    ['7-orbit-velvet-zebra', 7, ['orbit', 'velvet', 'zebra']],
    ['  7-Orbit-VELVET-zebra \n', 7, ['orbit', 'velvet', 'zebra']],
    ['7 orbit velvet zebra', 7, ['orbit', 'velvet', 'zebra']],
    ['7 - orbit -- velvet   zebra', 7, ['orbit', 'velvet', 'zebra']],
    ['7—orbit–velvet‐zebra', 7, ['orbit', 'velvet', 'zebra']],
    ['-7-orbit-velvet-zebra-', 7, ['orbit', 'velvet', 'zebra']],
    ['７-orbit-velvet-zebra', 7, ['orbit', 'velvet', 'zebra']],
    ['999999-abandon-ability-zoo', 999_999, ['abandon', 'ability', 'zoo']],
    ['1-able-able-able', 1, ['able', 'able', 'able']],
  ];
  it.each(accepted)('parseCode accepts %j', (input, nameplate, words) => {
    expect(parseCode(input)).toEqual({ nameplate, words });
  });

  const rejected = [
    '',
    '7',
    '7-orbit-velvet',
    '7-orbit-velvet-zebra-zoo',
    'orbit-velvet-zebra',
    'orbit-velvet-zebra-7',
    '0-orbit-velvet-zebra',
    '1000000-orbit-velvet-zebra',
    '7a-orbit-velvet-zebra',
    '1e3-orbit-velvet-zebra',
    '7-orbit-lantern-velvet',
    '7-orbi-velvet-zebra',
    '7-orbit_velvet_zebra',
    '7.orbit.velvet.zebra',
    '7-orbit-velvet-zébra',
  ];
  it.each(rejected)('parseCode rejects %j', (input) => {
    expect(parseCode(input)).toBeNull();
  });

  it('formatCode and parseCode round-trip', () => {
    for (let i = 0; i < 50; i++) {
      const words = newCodeWords();
      expect(parseCode(formatCode(i + 1, words))).toEqual({ nameplate: i + 1, words });
    }
  });

  it('codePassword: the normalised words joined by hyphens, as UTF-8', () => {
    expect(Buffer.from(codePassword(['orbit', 'velvet', 'zebra'])).toString()).toBe('orbit-velvet-zebra');
    expect(codePassword([' Orbit', 'VELVET', 'zebra'])).toEqual(codePassword(['orbit', 'velvet', 'zebra']));
    expect(() => codePassword(['orbit', 'velvet'])).toThrow(RangeError);
    expect(() => codePassword(['orbit', 'velvet', 'lantern'])).toThrow(RangeError);
  });

  it('isCodeWord and suggestWords', () => {
    expect(isCodeWord('orbit')).toBe(true);
    expect(isCodeWord(' Orbit ')).toBe(true);
    expect(isCodeWord('lantern')).toBe(false);
    expect(isCodeWord('')).toBe(false);
    expect(suggestWords('orb')).toEqual(['orbit']);
    expect(suggestWords('ab')).toEqual(['abandon', 'ability', 'able', 'about', 'above']);
    expect(suggestWords('ab', 2)).toEqual(['abandon', 'ability']);
    expect(suggestWords('')).toEqual([]);
    expect(suggestWords('qq')).toEqual([]);
  });
});

describe('codeProblem', () => {
  it('is null for a valid code', () => {
    expect(codeProblem('7 orbit velvet zebra')).toBeNull();
  });

  it.each([
    ['orbit-velvet-zebra', "starts with the sender's number"],
    ['0-orbit-velvet-zebra', "starts with the sender's number"],
    ['7-orbit-velvet', 'this has 2'],
    ['7-orbit-velvet-zebra-zoo', 'this has 4'],
    ['7-orbit-velvet-lantern', '“lantern” is not on the word list'],
    ['7-orbitt-velvet-zebraa', '“orbitt” and “zebraa” are not on the word list'],
  ])('names what is wrong with %s', (input, message) => {
    expect(codeProblem(input)).toContain(message);
  });

  it('suggests list words that start alike', () => {
    expect(codeProblem('7-orbit-velvet-lanter')).toContain('Words on the list that start alike: language');
  });
});
