import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { MultiRegex, Regex } from '../../../src/runtime/classifiers/engine.js';
import { PatternError } from '../../../src/runtime/classifiers/program.js';

/** All leftmost-longest non-empty matches, by re2js (the reference RE2 port). */
function oracle(pattern: string, text: string): Array<[number, number]> {
  const m = RE2JS.compile(pattern, RE2JS.LONGEST_MATCH).matcher(text);
  const out: Array<[number, number]> = [];
  for (let guard = 0; guard <= text.length + 1 && m.find(); guard++) if (m.end() > m.start()) out.push([m.start(), m.end()]);
  return out;
}

function ours(patterns: string[], text: string, cap = Infinity, maxStates?: number): Array<Array<[number, number]>> {
  const regexes = patterns.map((p) => new Regex(p, maxStates));
  const out: Array<Array<[number, number]>> = patterns.map(() => []);
  new MultiRegex(regexes, regexes.map(() => cap), maxStates).findAll(text, (p, s, e) => {
    out[p]!.push([s, e]);
    return e;
  });
  for (const o of out) o.sort((a, b) => a[0] - b[0]);
  return out;
}

// A small RE2 grammar over a small alphabet, so random patterns and texts meet often.
const atom = fc.oneof(
  fc.constantFrom('a', 'b', 'c', ' ', '-', '1', 'é', '😀', '\\.', 'A'),
  fc.constantFrom('[ab]', '[^a]', '[a-c]', '[0-9]', '\\d', '\\w', '\\s', '\\W', '.', '[[:alpha:]]', '\\pL'),
);
const anchor = fc.constantFrom('\\b', '\\B', '^', '$', '(?m:^)', '(?m:$)');
const pattern: fc.Arbitrary<string> = fc.letrec<{ re: string }>((tie) => ({
  re: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    anchor,
    fc.tuple(tie('re'), tie('re')).map(([x, y]) => x + y),
    fc.tuple(tie('re'), tie('re')).map(([x, y]) => `(?:${x}|${y})`),
    fc.tuple(tie('re'), fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '{0,2}', '*?', '{2,}')).map(([x, q]) => `(?:${x})${q}`),
    tie('re').map((x) => `(${x})`),
    tie('re').map((x) => `(?i:${x})`),
  ),
})).re;
const text = fc
  .array(fc.constantFrom('a', 'b', 'c', 'A', 'B', ' ', '-', '1', '2', '\n', 'é', '😀', '.'), { maxLength: 40 })
  .map((cs) => cs.join(''));

describe('matching engine', () => {
  it('finds the same leftmost-longest matches as re2js on random patterns and texts', () => {
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        const re = new Regex(p);
        fc.pre(!re.matchesEmpty);
        expect(ours([p], t)[0]).toEqual(oracle(p, t));
      }),
      { numRuns: 150 },
    );
  });

  it('scans several patterns in one pass with the same results as one by one', () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 2, maxLength: 4 }), text, (ps, t) => {
        fc.pre(ps.every((p) => !new Regex(p).matchesEmpty));
        expect(ours(ps, t)).toEqual(ps.map((p) => oracle(p, t)));
      }),
      { numRuns: 60 },
    );
  });

  it('gives the same answers when its state cache is tiny and keeps being flushed', () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 3 }), text, (ps, t) => {
        fc.pre(ps.every((p) => !new Regex(p).matchesEmpty));
        expect(ours(ps, t, Infinity, 3)).toEqual(ps.map((p) => oracle(p, t)));
      }),
      { numRuns: 60 },
    );
  });

  it('handles word boundaries, anchors, case folding and astral characters', () => {
    const t = 'Kelvin \u212a k😀😀 x\ny end';
    expect(ours(['(?i)k'], t)[0]).toEqual(oracle('(?i)k', t));
    expect(ours(['\\bend$'], t)[0]).toEqual([[t.length - 3, t.length]]);
    expect(ours(['(?m)^y'], t)[0]).toEqual([[t.indexOf('y'), t.indexOf('y') + 1]]);
    expect(ours(['k😀+'], t)[0]).toEqual([[t.indexOf('k😀'), t.indexOf('k😀') + 5]]);
    expect(ours(['.{2}'], '😀😀')[0]).toEqual([[0, 4]]);
  });

  it('with a cap: the longest match within it, or the match cut at the cap (reference: brute force)', () => {
    // no assertions in these patterns, so a slice can be checked out of context
    const plain = fc.letrec<{ re: string }>((tie) => ({
      re: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom('a', 'b', '[ab]', '\\d', '.'),
        fc.tuple(tie('re'), tie('re')).map(([x, y]) => x + y),
        fc.tuple(tie('re'), tie('re')).map(([x, y]) => `(?:${x}|${y})`),
        fc.tuple(tie('re'), fc.constantFrom('*', '+', '?', '{1,3}')).map(([x, q]) => `(?:${x})${q}`),
      ),
    })).re;
    const small = fc.array(fc.constantFrom('a', 'b', '1', ' '), { maxLength: 14 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(plain, small, fc.integer({ min: 1, max: 5 }), (p, t, cap) => {
        fc.pre(!new Regex(p).matchesEmpty);
        const whole = RE2JS.compile(`(?:${p})`);
        const want: Array<[number, number]> = [];
        for (let s = 0, from = 0; s < t.length; s++) {
          if (s < from) continue;
          let any = false;
          let best = -1;
          for (let e = s + 1; e <= t.length; e++) {
            if (!whole.matches(t.slice(s, e))) continue;
            any = true;
            if (e - s <= cap) best = e;
          }
          if (!any) continue;
          const e = best >= 0 ? best : s + cap;
          want.push([s, e]);
          from = e;
        }
        expect(ours([p], t, cap)[0]).toEqual(want);
      }),
      { numRuns: 150 },
    );
  });

  it('shares reading between runs from nearby starts (a|a+b over 100,000 a)', () => {
    const t = 'a'.repeat(100_000);
    const found = ours(['a|a+b'], t, 65_536)[0]!;
    expect(found).toHaveLength(100_000);
    expect(found[99_999]).toEqual([99_999, 100_000]);
  });

  it('stops a match at the cap', () => {
    expect(ours(['a+'], 'aaaaaaa', 3)[0]).toEqual([
      [0, 3],
      [3, 6],
      [6, 7],
    ]);
  });

  it('finds the same matches when most of a long text is far from any anchor', () => {
    // patterns over characters the filler never uses, so that the scan runs only in
    // windows around anchor hits (an unbounded one, with `+`, is scanned in full)
    const local = fc.letrec<{ re: string }>((tie) => ({
      re: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom('a', 'b', '1', '-', 'A', '[ab]', '\\d', 'abc', '\\b', '(?i:b)', '(?i:abc)'),
        fc.tuple(tie('re'), tie('re')).map(([x, y]) => x + y),
        fc.tuple(tie('re'), tie('re')).map(([x, y]) => `(?:${x}|${y})`),
        fc.tuple(tie('re'), fc.constantFrom('?', '{2}', '{1,3}', '{0,4}', '?', '{2}', '+')).map(([x, q]) => `(?:${x})${q}`),
      ),
    })).re;
    const piece = fc
      .array(fc.constantFrom('a', 'b', 'c', 'A', 'B', '-', '1', '2', ' ', 'abc', 'aBC', 'ABC'), { maxLength: 10 })
      .map((cs) => cs.join(''));
    const filler = fc.integer({ min: 20, max: 120 }).map((n) => 'z'.repeat(n));
    const long = fc.array(fc.tuple(piece, filler), { maxLength: 8 }).map((xs) => xs.flat().join(''));
    fc.assert(
      fc.property(fc.array(local, { minLength: 1, maxLength: 3 }), long, (ps, t) => {
        fc.pre(ps.every((p) => !new Regex(p).matchesEmpty));
        expect(ours(ps, t)).toEqual(ps.map((p) => oracle(p, t)));
      }),
      { numRuns: 200 },
    );
  });

  it('places every match within its anchor window (reach before and after a hit)', () => {
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        const re = new Regex(p);
        fc.pre(!re.matchesEmpty && re.anchor !== undefined);
        const a = re.anchor!;
        // hits: [position, before, after] of every anchor occurrence
        const hits: Array<[number, number, number]> = [];
        if (a.kind === 'literals') {
          for (const it of a.items) {
            const hay = it.folded ? t.toLowerCase() : t;
            for (let i = hay.indexOf(it.text); i >= 0; i = hay.indexOf(it.text, i + 1)) hits.push([i, it.before, it.after]);
          }
        } else {
          for (let i = 0; i < t.length; i++) {
            const c = t.charCodeAt(i);
            if (c < 128 ? a.ascii[c] : a.nonAscii) hits.push([i, a.before, a.after]);
          }
        }
        for (const [s, e] of oracle(p, t)) {
          expect(hits.some(([i, before, after]) => s >= i - before && e <= i + after)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('anchors on a set of literals when every match contains one of them', () => {
    const texts = (p: string) => {
      const a = new Regex(p).anchor;
      return a?.kind === 'literals' ? a.items.map((x) => x.text).sort() : [];
    };
    expect(texts('\\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]+\\b')).toEqual(['ABIA', 'ACCA', 'AKIA', 'ASIA']);
    expect(texts('\\bxox[abeprs]-\\d+|\\bxapp-\\d-[A-Z0-9]+')).toEqual(['xapp-', 'xox']);
    expect(texts('-----BEGIN[A-Z ]{0,30} KEY')).toEqual(['-----BEGIN']);
    // a literal at the start of every match: nothing before it, the rest after
    expect(new Regex('sk-[a-z]{1,8}').anchor).toEqual({ kind: 'literals', items: [{ text: 'sk-', folded: false, before: 0, after: 11 }] });
    // case-insensitive words: in lower case, compared ignoring ASCII case; `k` and `s`
    // also fold with the Kelvin sign and the long s, so they end a literal
    const words = new Regex('(?i)\\bORION\\b|\\bKESTREL\\b').anchor;
    expect(words?.kind === 'literals' && words.items.map((x) => [x.text, x.folded])).toEqual([
      ['orion', true],
      ['trel', true],
    ]);
    expect(texts('[a-z]+@[a-z]+')).toEqual([]);
  });

  it('computes the longest possible match', () => {
    expect(new Regex('\\d{3}-\\d{2}-\\d{4}').maxLength).toBe(11);
    expect(new Regex('ab|abcd').maxLength).toBe(4);
    expect(new Regex('x😀?').maxLength).toBe(3);
    expect(new Regex('(?:ab)?c{2,5}\\b').maxLength).toBe(7);
    expect(new Regex('a+').maxLength).toBe(Infinity);
    expect(new Regex('a{2,}').maxLength).toBe(Infinity);
    expect(new Regex('x(?:y|z*)').maxLength).toBe(Infinity);
    expect(new Regex('a*').matchesEmpty).toBe(true);
    expect(new Regex('\\b').matchesEmpty).toBe(true);
    expect(new Regex('a?b').matchesEmpty).toBe(false);
  });

  it('rejects what RE2 rejects, with its reason', () => {
    expect(() => new Regex('a(?=b)')).toThrow(/lookahead and lookbehind/);
    expect(() => new Regex('(?<=a)b')).toThrow(/lookahead and lookbehind/);
    expect(() => new Regex('(a)\\1')).toThrow(/backreferences/);
    expect(() => new Regex('[z-a]')).toThrow(PatternError);
    expect(() => new Regex('a**')).toThrow(/nested repetition/);
    expect(() => new Regex('(')).toThrow(/missing closing \)/);
    // an escaped parenthesis is not a lookahead
    expect(new Regex('\\(?=').maxLength).toBe(2);
  });

  it('survives classic ReDoS patterns over 100,000 hostile characters', () => {
    const hostile = 'a'.repeat(100_000);
    const cases: Array<[string, string, Array<[number, number]>]> = [
      ['(a+)+$', `${hostile}!`, []],
      ['(a|aa)*b', hostile, []],
      ['(\\w+\\s?)*$', `${hostile}!`, []],
      ['^(([a-z])+.)+[A-Z]([a-z])+$', hostile, []],
      ['(a+)+b', `${hostile}b`, [[0, 100_001]]],
    ];
    for (const [p, t, want] of cases) {
      const re = new Regex(p);
      const found: Array<[number, number]> = [];
      new MultiRegex([re], [200_000]).findAll(t, (_, s, e) => {
        found.push([s, e]);
        return e;
      });
      expect(found).toEqual(want);
    }
  });
});
