import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseName, pathProblem } from '../../../lib/protocol/file-path';
import { ManifestSchema } from '../../../lib/protocol/messages';

// Issue 17: properties of the path rule over arbitrary Unicode and over paths built from
// adversarial pieces. Seeded by tests/support/fast-check-seed.ts (FUZZ_SEED replays).

const ADVERSARIAL = [
  // structure, plain and in compatibility forms
  '.', '..', '/', '\\', ':', '．', '．．', '／', '＼', '：', '\u2024', '\uFE52', '\u2215', '\u2044',
  // bidi, zero-width, BOM, invisible letters, controls, separators, lone surrogates
  '\u202E', '\u202D', '\u2066', '\u200E', '\u200B', '\u200C', '\u200D', '\uFEFF', '\u00AD', '\u3164', '\u034F',
  '\u0000', '\u001F', '\u007F', '\u0085', '\u2028', '\u2029', '\uD800', '\uDFFF', '\u{E0067}',
  // spaces and marks
  ' ', '\u00A0', '\u3000', '\u0301', '\u0308', 'e\u0301', 'é', '\uFE0F', '\uFE0E',
  // NFKC-changing letters and numbers
  'ﬁ', 'Ⅸ', '℃', 'Ｃ', 'ＣＯＮ', '¹', '\u212A', '\u2126', 'ſ', 'ǅ',
  // case variants and device names
  'a', 'A', 'x', 'X', 'docs', 'Docs', 'DOCS', 'con', 'CON', 'Com1', 'COM', 'nul', 'LPT', '$', 'CONIN$',
  'ß', 'SS', 'ss', 'ẞ', 'Σ', 'σ', 'ς', 'İ', 'ı', 'i', 'I', 'Ä', 'ä', 'ǆ', 'Ǆ',
  // emoji and other scripts
  '😀', '👨', '👩', '🏽', '❤', '資料', 'ﾌｧｲﾙ', 'ファイル',
];

const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ADVERSARIAL) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
);
const segment = fc.array(piece, { minLength: 0, maxLength: 4 }).map((pieces) => pieces.join(''));
const adversarialPath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => segments.join('/'));
const anyPath = fc.oneof(adversarialPath, fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));

// Mostly letters that fold in interesting ways, so that manifests are often accepted
// and collisions are drawn often; a few adversarial pieces still get in.
const CASE_PIECES = ['a', 'A', 'x', 'X', 'docs', 'Docs', 'DOCS', 'ß', 'SS', 'ss', 'ẞ', 'Σ', 'σ', 'ς', 'İ', 'ı', 'i', 'I', 'Ä', 'ä', 'ǆ', 'Ǆ', '😀', '資料', '-', '1', '.b'];
const mildSegment = fc
  .array(fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...CASE_PIECES) }, { weight: 1, arbitrary: fc.constantFrom(...ADVERSARIAL) }), { minLength: 1, maxLength: 3 })
  .map((pieces) => pieces.join(''));
const mildPath = fc.array(mildSegment, { minLength: 1, maxLength: 3 }).map((segments) => segments.join('/'));

const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
// The one format character the rule lets through: ZWJ between two pictographs.
const EMOJI_ZWJ = /(?<=\p{Extended_Pictographic}[\uFE0F\p{Emoji_Modifier}]?)\u200D(?=\p{Extended_Pictographic})/gu;

describe('the path rule, as properties', () => {
  it('(a, c) an accepted path is NFKC-stable, and its normal form has no traversal, separator trick, control or format character', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(anyPath, mildPath), (path) => {
        if (pathProblem(path) !== null) return;
        accepted++;
        const normal = path.normalize('NFKC');
        expect(normal).toBe(path); // (c)
        expect(normal.startsWith('/')).toBe(false);
        expect(normal).not.toMatch(/[\\:]/);
        for (const s of normal.split('/')) {
          expect(['', '.', '..']).not.toContain(s);
          expect(s).not.toMatch(/[. ]$/);
          expect(s.split('.')[0]!.trimEnd()).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d|conin\$|conout\$)$/i);
        }
        expect(normal.replace(EMOJI_ZWJ, '')).not.toMatch(CONTROL_OR_FORMAT);
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(300);
  });

  // Paths with some copies in other cases and some of their folders added as files:
  // the collisions a case-insensitive disk would make, drawn often.
  const flipCase = (text: string, flips: boolean[]) =>
    [...text].map((ch, i) => (flips[i % Math.max(1, flips.length)] ? (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) : ch)).join('');
  const manifestPaths = fc
    .tuple(
      fc.array(fc.oneof({ weight: 4, arbitrary: mildPath }, { weight: 1, arbitrary: adversarialPath }), { minLength: 1, maxLength: 5 }),
      fc.array(fc.tuple(fc.nat(), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), fc.boolean()), { maxLength: 2 }),
    )
    .map(([paths, variants]) => {
      const out = [...paths];
      for (const [which, flips, folder] of variants) {
        const source = paths[which % paths.length]!;
        const variant = flipCase(folder && source.includes('/') ? source.slice(0, source.lastIndexOf('/')) : source, flips);
        out.push(variant);
      }
      return out;
    });

  it('(b) no two paths of an accepted manifest fold to the same path, nor one to the other’s folder', () => {
    let accepted = 0;
    fc.assert(
      fc.property(manifestPaths, (paths) => {
        const manifest = {
          transferId: 'T'.repeat(22),
          chunkSize: 65536,
          files: paths.map((path, i) => ({
            fileId: `${i}`.padStart(22, 'F'),
            name: baseName(path),
            path,
            size: 1,
            type: '',
            lastModified: 0,
          })),
        };
        if (!ManifestSchema.safeParse(manifest).success) return;
        accepted++;
        // Two independent folds: by lower case and by upper case (NFKC first).
        for (const fold of [(p: string) => p.normalize('NFKC').toLowerCase(), (p: string) => p.normalize('NFKC').toUpperCase()]) {
          const keys = paths.map(fold);
          for (const [i, a] of keys.entries()) {
            for (const [j, b] of keys.entries()) {
              if (i === j) continue;
              expect(a).not.toBe(b);
              expect(b.startsWith(`${a}/`)).toBe(false);
            }
          }
        }
      }),
      { numRuns: 2000 },
    );
    // The generator must reach accepted manifests, or the property says nothing.
    expect(accepted).toBeGreaterThan(50);
  });
});
