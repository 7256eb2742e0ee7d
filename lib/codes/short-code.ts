import { MAX_NAMEPLATE, MIN_NAMEPLATE } from '../protocol/pake';
import { WORDLIST } from './wordlist';

// Short spoken codes: `7-orbit-velvet-zebra` is a session number the server handed out (the
// nameplate, public) and 3 words from the 2048-word list (the password, secret). The
// words reach the key only through CPace, so an attacker gets one online guess per
// session: 1 in 2^33 with 3 words.

export const CODE_WORDS = 3;

const INDEX: ReadonlyMap<string, number> = new Map(WORDLIST.map((word, i) => [word, i]));

// People type codes by ear or off a screen: any run of spaces, hyphens or the dashes
// phones substitute for them separates parts.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212]+/u;

const normalizeWord = (word: string) => word.normalize('NFKC').trim().toLowerCase();

export function isCodeWord(word: string): boolean {
  return INDEX.has(normalizeWord(word));
}

/** 3 words drawn uniformly: 2048 = 2^11 divides 2^16, so masking a 16-bit value is unbiased. */
export function newCodeWords(): string[] {
  const values = globalThis.crypto.getRandomValues(new Uint16Array(CODE_WORDS));
  return Array.from(values, (value) => WORDLIST[value & 0x7ff]!);
}

function assertWords(words: readonly string[]): string[] {
  const normalized = words.map(normalizeWord);
  if (normalized.length !== CODE_WORDS || !normalized.every((word) => INDEX.has(word))) {
    throw new RangeError(`a code has ${CODE_WORDS} words from the list`);
  }
  return normalized;
}

function isNameplate(value: number): boolean {
  return Number.isInteger(value) && value >= MIN_NAMEPLATE && value <= MAX_NAMEPLATE;
}

/** `7-orbit-velvet-zebra`; throws on a nameplate out of range or words not in the list. */
export function formatCode(nameplate: number, words: readonly string[]): string {
  if (!isNameplate(nameplate)) throw new RangeError(`a nameplate is an integer from ${MIN_NAMEPLATE} to ${MAX_NAMEPLATE}`);
  return [String(nameplate), ...assertWords(words)].join('-');
}

/** Reads a typed or pasted code, forgiving case and separators; null unless it is a whole valid code. */
export function parseCode(input: string): { nameplate: number; words: string[] } | null {
  const parts = input.normalize('NFKC').toLowerCase().split(SEPARATORS).filter((part) => part !== '');
  if (parts.length !== 1 + CODE_WORDS) return null;
  const [number, ...words] = parts as [string, ...string[]];
  if (!/^\d{1,6}$/.test(number)) return null;
  const nameplate = Number(number);
  if (!isNameplate(nameplate) || !words.every((word) => INDEX.has(word))) return null;
  return { nameplate, words };
}

/**
 * Why `input` is not a code, in words a person can act on (which word is not on the
 * list), or null when it is one. Said before anything is sent: a code allows one try.
 */
export function codeProblem(input: string): string | null {
  if (parseCode(input)) return null;
  const parts = input.normalize('NFKC').toLowerCase().split(SEPARATORS).filter((part) => part !== '');
  const [number, ...words] = parts;
  const example = 'like 7-orbit-velvet-zebra';
  if (!number || !/^\d{1,6}$/.test(number) || !isNameplate(Number(number))) return `A code starts with the sender's number, ${example}.`;
  if (words.length !== CODE_WORDS) return `A code has a number and ${CODE_WORDS} words, ${example}; this has ${words.length}.`;
  const unknown = words.filter((word) => !INDEX.has(word));
  const suggestions = unknown.map((word) => suggestWords(word.slice(0, 3), 3)).flat();
  const hint = suggestions.length > 0 ? ` Words on the list that start alike: ${suggestions.join(', ')}.` : '';
  return `${unknown.map((w) => `“${w}”`).join(' and ')} ${unknown.length === 1 ? 'is' : 'are'} not on the word list: check the spelling.${hint}`;
}

/** CPace's PRS: the normalised words joined by '-', as UTF-8 (ASCII, since the list is). */
export function codePassword(words: readonly string[]): Uint8Array {
  return new TextEncoder().encode(assertWords(words).join('-'));
}

/** Up to `limit` list words starting with what was typed so far, for autocompletion. */
export function suggestWords(prefix: string, limit = 5): string[] {
  const start = normalizeWord(prefix);
  if (start === '') return [];
  const found: string[] = [];
  for (const word of WORDLIST) {
    if (word.startsWith(start)) found.push(word);
    if (found.length === limit) break;
  }
  return found;
}
