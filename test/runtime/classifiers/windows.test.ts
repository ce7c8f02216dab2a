import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { MultiRegex, Regex } from '../../../src/runtime/classifiers/engine.js';
import { LIBRARY_DEFS } from '../../../src/runtime/classifiers/library.js';
import { WindowFinder } from '../../../src/runtime/classifiers/windows.js';

// The window search has two paths (one class search for texts up to 160 characters,
// per-character searches beyond) and finds case-insensitive literals with one RegExp.
// A window it misses loses a match, so every case compares with re2js on the whole text.

function oracle(pattern: string, text: string): Array<[number, number]> {
  const m = RE2JS.compile(pattern, RE2JS.LONGEST_MATCH).matcher(text);
  const out: Array<[number, number]> = [];
  for (let guard = 0; guard <= text.length + 1 && m.find(); guard++) if (m.end() > m.start()) out.push([m.start(), m.end()]);
  return out;
}

function ours(patterns: readonly string[], text: string): Array<Array<[number, number]>> {
  const regexes = patterns.map((p) => new Regex(p));
  const out: Array<Array<[number, number]>> = patterns.map(() => []);
  new MultiRegex(regexes, regexes.map((r) => r.maxLength)).findAll(text, (p, s, e) => {
    out[p]!.push([s, e]);
    return e;
  });
  for (const o of out) o.sort((a, b) => a[0] - b[0]);
  return out;
}

// bounded patterns, so that all of them are windowed around their anchors
const PATTERNS = [
  '(?i)\\b(?:ORION|BLUEBIRD|NIGHTJAR|KESTREL)\\b', // case-insensitive literals
  '(?i)abab|aba', // overlapping ones, sharing a start
  '(?i)bab\\d', // one starting inside another (`abab1`)
  '(?i)x_y-z\\.w', // with characters a RegExp would read as syntax
  '\\b(?:AKIA|ASIA)[A-Z0-9]{4}\\b', // case-sensitive literals through one character
  'sk-[a-z]{2,6}',
  '[a-z]{1,5}@[a-z]{1,5}\\.[a-z]{2,3}', // an anchor character with reach both ways
  '\\d{3}-\\d{4}',
  'é[a-z]{0,3}', // a non-ASCII anchor
  // keywords with `k` and `s`, which (?i) also matches as the Kelvin sign and the long s
  '(?i)\\b(?:api_?key|secret|token)\\s?[:=]\\s?[a-z0-9]{2,6}',
];

const piece = fc.constantFrom(
  'orion', 'ORION', 'oRiOn', 'Kestrel', '\u212Aestrel', 'KESTREL', 'kesTrel', 'bluebird', 'NightJar', 'nightjar',
  'abab', 'ABAB', 'ababab', 'AbA', 'abab1', 'ABAB2', 'x_y-z.w', 'X_Y-Z.W', 'x_y-zxw',
  'AKIAABCD', 'ASIA1234', 'akiaABCD', 'sk-abc', 'SK-abc', 'sk-', 'al@bo.io', '@', 'a@b.cd', '555-1234', '55-12',
  'é', 'éab', 'É', 'İ', 'ſ', '😀', ' ', '.', '-', 'a', 'z', 'Q',
  'api_\u212Aey: ab12', '\u017Fecret=xy9', 'SECRET = q1', 'api_key=zz', 'API\u212AEY:a1', 'to\u212Aen:b2', '\u212A', 'K',
);
const filler = fc.integer({ min: 0, max: 90 }).map((n) => 'q'.repeat(n));
// texts from a few characters up to a few hundred: both sides of the short-text limit
const text = fc.array(fc.tuple(piece, filler), { maxLength: 8 }).map((xs) => xs.flat().join(''));

describe('anchor windows', () => {
  it('finds every match that a whole-text search finds, in short and long texts', () => {
    fc.assert(
      fc.property(fc.subarray(PATTERNS, { minLength: 1 }), text, (ps, t) => {
        expect(ours(ps, t)).toEqual(ps.map((p) => oracle(p, t)));
      }),
      { numRuns: 300 },
    );
  });

  it('finds anchors at the very start and end of a text, just under and over the short-text limit', () => {
    for (const size of [0, 1, 158, 159, 160, 161, 162, 300]) {
      const pad = 'q'.repeat(size);
      for (const w of ['OrIoN', 'kestrel', '\u212Aestrel', 'api_\u212Aey: ab12', '\u017Fecret=xy9', 'ABA', 'abab1', 'x_y-z.w', 'AKIA1234', 'sk-ab', 'a@b.io', '555-1234', 'éa']) {
        for (const t of [w + pad, pad + w, w + pad + w, pad.slice(0, size >> 1) + w + pad.slice(size >> 1)]) {
          expect(ours(PATTERNS, t)).toEqual(PATTERNS.map((p) => oracle(p, t)));
        }
      }
    }
  });

  it('reports no window where no anchor occurs, and one around a keyword in any case', () => {
    const finder = new WindowFinder([new Regex('(?i)\\bORION\\b').anchor], [5]);
    for (const t of ['', 'plain prose with no keyword at all', 'x'.repeat(500)]) expect(finder.find(t)).toBe(0);
    for (const t of ['an OrIoN here', `${'x'.repeat(300)} oRION ${'x'.repeat(300)}`]) {
      expect(finder.find(t)).toBe(2);
      const at = t.toLowerCase().indexOf('orion');
      expect([finder.windows[0], finder.windows[1]]).toEqual([at, at + 5]);
    }
  });

  it('finds the library key-name patterns when (?i) keywords hold the Kelvin sign or the long s', () => {
    const defs = LIBRARY_DEFS.filter((d) => d.name === 'secret.generic_api_key' || d.name === 'secret.aws_secret_key');
    const regexes = defs.map((d) => new Regex(d.pattern));
    const multi = new MultiRegex(regexes, [192, 96], undefined, [true, true]);
    const values = ['api_\u212Aey: Zx8fQ2mN7pL4vR9t', 'db_\u017Fecret=Zx8fQ2mN7pL4vR9tYw', 'x_to\u212Aen: Zx8fQ2mN7pL4', 'aws_\u017Fecret_ke\u212A = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
      'PASSWORD: hunter2hunter2hunter', 'Authorization: Bearer abc.def', 'key: value', 'token=', 'ſ', 'K'];
    for (const pad of [0, 40, 170]) {
      for (const v of values) {
        const t = `${'note: '.repeat(pad >> 3)}${v}${' x='.repeat(pad >> 4)}`;
        const out: Array<Array<[number, number]>> = regexes.map(() => []);
        multi.findAll(t, (p, s, e) => (out[p]!.push([s, e]), e));
        expect(out).toEqual(defs.map((d) => oracle(d.pattern, t)));
      }
    }
  });
});
