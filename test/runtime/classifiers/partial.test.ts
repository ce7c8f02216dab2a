import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MultiRegex, OPEN, Regex } from '../../../src/runtime/classifiers/engine.js';
import { builtinLibrary, compileClassifiers, libraryDefinitions, CONTEXT_WINDOW } from '../../../src/runtime/classifiers/index.js';
import type { Match } from '../../../src/runtime/classifiers/types.js';

// Scanning a text that is still growing (stream masking): what a partial scan decides
// must be what a scan of the whole text finds, whatever text follows and wherever
// the text is cut. The reference is findAll / scan over the whole text.

type Found = Array<[number, number, number]>;

/** Every match findAll offers over the whole text, accepting all, as [pattern, start, end]. */
function whole(patterns: string[], caps: number[], t: string, accept: (p: number, s: number, e: number) => number = (_p, _s, e) => e): Found {
  const out: Found = [];
  new MultiRegex(patterns.map((p) => new Regex(p)), caps).findAll(t, (p, s, e) => {
    const next = accept(p, s, e);
    if (next >= 0) out.push([p, s, e]);
    return next;
  });
  return out.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
}

/**
 * The same text fed in pieces: each partial scan starts at the previous one's pending
 * position, with the per-pattern resume positions its decided matches imply.
 */
function pieces(patterns: string[], caps: number[], t: string, cuts: number[], force: number[], accept: (p: number, s: number, e: number) => number = (_p, _s, e) => e): Found {
  const m = new MultiRegex(patterns.map((p) => new Regex(p)), caps);
  const out: Found = [];
  const resume = new Int32Array(patterns.length);
  let from = 0;
  const ends = [...new Set([...cuts.filter((c) => c > 0 && c < t.length), t.length])].sort((a, b) => a - b);
  for (const n of ends) {
    const text = t.slice(0, n);
    const got: Found = [];
    for (let p = 0; p < resume.length; p++) resume[p] = Math.max(resume[p]!, from);
    const pending = m.findPartial(text, from, resume, n === t.length, force, (p, s, e) => {
      const next = accept(p, s, e);
      if (next >= 0) got.push([p, s, e]);
      return next;
    });
    expect(pending).toBeGreaterThanOrEqual(from);
    for (const g of got) {
      if (g[1] >= pending) continue;
      out.push(g);
      resume[g[0]] = Math.max(resume[g[0]]!, g[2]);
    }
    from = pending;
  }
  expect(from).toBe(t.length);
  return out.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
}

const atom = fc.oneof(
  fc.constantFrom('a', 'b', 'c', ' ', '-', '1', 'é', '😀', '\\.', 'A'),
  fc.constantFrom('[ab]', '[^a]', '[a-c]', '[0-9]', '\\d', '\\w', '\\s', '\\W', '.', '\\pL'),
);
const anchor = fc.constantFrom('\\b', '\\B', '^', '$', '(?m:^)', '(?m:$)');
const pattern: fc.Arbitrary<string> = fc.letrec<{ re: string }>((tie) => ({
  re: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    anchor,
    fc.tuple(tie('re'), tie('re')).map(([x, y]) => x + y),
    fc.tuple(tie('re'), tie('re')).map(([x, y]) => `(?:${x}|${y})`),
    fc.tuple(tie('re'), fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '{0,2}', '{2,}')).map(([x, q]) => `(?:${x})${q}`),
    tie('re').map((x) => `(?i:${x})`),
  ),
})).re;
const text = fc
  .array(fc.constantFrom('a', 'b', 'c', 'A', ' ', '-', '1', '2', '\n', 'é', '😀', '.'), { maxLength: 40 })
  .map((cs) => cs.join(''));
const cuts = fc.array(fc.nat({ max: 60 }), { maxLength: 12 });

describe('partial scans of a growing text', () => {
  it('decide exactly the matches of the whole text, for random patterns, caps and cut points', () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 3 }), fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 3, maxLength: 3 }), text, cuts, (ps, cs, t, at) => {
        fc.pre(ps.every((p) => !new Regex(p).matchesEmpty));
        const caps = ps.map((_, i) => cs[i]!);
        const never = ps.map(() => Infinity);
        expect(pieces(ps, caps, t, at, never)).toEqual(whole(ps, caps, t));
      }),
      { numRuns: 400 },
    );
  });

  it('decide exactly when the judge rejects some matches (the next search starts after a rejected start)', () => {
    // rejecting every match that starts at an even position changes which later starts
    // a pattern's search reaches: the chains of both scans must agree
    const odd = (_p: number, s: number, e: number) => (s % 2 === 1 ? e : -1);
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 2 }), text, cuts, (ps, t, at) => {
        fc.pre(ps.every((p) => !new Regex(p).matchesEmpty));
        const caps = ps.map(() => 6);
        expect(pieces(ps, caps, t, at, [Infinity, Infinity], odd)).toEqual(whole(ps, caps, t, odd));
      }),
      { numRuns: 200 },
    );
  });

  it('decide a text fed one character at a time', () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 3 }), text, (ps, t) => {
        fc.pre(ps.every((p) => !new Regex(p).matchesEmpty));
        const caps = ps.map(() => 5);
        const every = Array.from({ length: t.length }, (_, i) => i);
        expect(pieces(ps, caps, t, every, [Infinity, Infinity, Infinity])).toEqual(whole(ps, caps, t));
      }),
      { numRuns: 200 },
    );
  });

  it('leave open a start whose match is not complete yet: the text that follows decides', () => {
    const m = new MultiRegex([new Regex('secret[a-z]*!')], [10]);
    const scan = (t: string, force = Infinity, final = false) => {
      const got: Found = [];
      const pending = m.findPartial(t, 0, new Int32Array(1), final, [force], (p, s, e) => (got.push([p, s, e]), e));
      return { pending, got };
    };
    // `secretaaaa…` may still end with `!`: the whole text would then report it, cut at the cap
    expect(scan('say secretaaaaaaaaaaaaaaaa')).toEqual({ pending: 4, got: [] });
    expect(scan('say secretaaaaaaaaaaaaaaaa! ')).toEqual({ pending: 28, got: [[0, 4, 14]] });
    expect(scan('say secretaaaaaaaaaaaaaaaa. ')).toEqual({ pending: 28, got: [] });
    // a match that ends where the text ends may still depend on what follows
    expect(scan('say secretaaaaaaaaaaaaaaaa!')).toEqual({ pending: 4, got: [] });
    // complete: nothing open
    expect(scan('say secretaaaaaaaaaaaaaaaa', Infinity, true)).toEqual({ pending: 26, got: [] });
    // the wait is bounded: after `force` characters the start counts (cut at the cap)
    expect(scan('say secretaaaaaaaaaaaaaaaa', 22)).toEqual({ pending: 26, got: [[0, 4, 14]] });
  });

  it('leave open a match whose end the next character decides (\\b, $, a longer match)', () => {
    const m = new MultiRegex([new Regex('\\bab+\\b'), new Regex('xy$')], [8, 8]);
    const scan = (t: string) => {
      const got: Found = [];
      const pending = m.findPartial(t, 0, new Int32Array(2), false, [Infinity, Infinity], (p, s, e) => (got.push([p, s, e]), e));
      return { pending, got };
    };
    expect(scan('x abb')).toEqual({ pending: 2, got: [] });
    expect(scan('x abb ')).toEqual({ pending: 6, got: [[0, 2, 5]] });
    expect(scan('x abbc')).toEqual({ pending: 6, got: [] });
    expect(scan('q xy')).toEqual({ pending: 2, got: [] });
  });

  it('let the judge ask for more text (OPEN) and stop there', () => {
    const m = new MultiRegex([new Regex('a'), new Regex('b')], [1, 1]);
    const got: Found = [];
    const pending = m.findPartial('a b a b', 0, new Int32Array(2), false, [9, 9], (p, s, e) => (s === 4 ? OPEN : (got.push([p, s, e]), e)));
    expect(pending).toBe(4);
    expect(got.filter((g) => g[1] < pending)).toEqual([
      [0, 0, 1],
      [1, 2, 3],
    ]);
  });
});

describe('ClassifierSet.scanPartial', () => {
  const set = builtinLibrary();

  it('knows how far each classifier looks around a match', () => {
    expect(set.lookaround('pii.us_ssn')).toBe(64);
    expect(set.lookaround('pii.credit_card')).toBe(2);
    expect(set.lookaround('secret.private_key')).toBe(1);
    const { set: withContext } = compileClassifiers([]);
    expect(withContext.lookaround('pii.email')).toBe(1);
    // every library classifier with a refinement says how far it reads
    for (const d of libraryDefinitions()) if (d.refine) expect(d.reach, d.name).toBeGreaterThan(0);
    expect(CONTEXT_WINDOW).toBe(64);
  });

  it("each library refinement reads no further than its declared reach (changing text beyond it changes nothing)", () => {
    const samples: Record<string, string[]> = {
      'pii.email': ['jane.doe@example.com'],
      'pii.credit_card': ['4111 1111 1111 1111', '4111111111111111', '5500-0000-0000-0004'],
      'pii.us_ssn': ['123-45-6780', '219 09 9998', '536225674'],
      'pii.phone': ['+44 20 7946 0958', '(415) 555-0132', '415-555-0132'],
      'pii.iban': ['DE89370400440532013000', 'GB82 WEST 1234 5698 7654 32'],
      'pii.ip_address': ['192.168.10.1', '2001:db8::8a2e:370:7334'],
      'secret.aws_access_key': ['AKIAIOSFODNN7EXAMPLE'],
      'secret.aws_secret_key': ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY'],
      'secret.github_token': [`ghp_${'a1B2c3D4e5F6g7H8i9J0'}k1L2m3N4o5P6`],
      'secret.jwt': ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'],
      'secret.generic_api_key': ['api_key = "Zx8vQ2mL9pR4tY7wK3nB"', 'Authorization: Bearer Zx8vQ2mL9pR4tY7wK3nB6c'],
      'secret.stripe_key': ['sk_live_4eC39HqLyjWDarjtT1zdp7dc9Zx8vQ2m'],
      'secret.openai_api_key': ['sk-proj-Zx8vQ2mL9pR4tY7wK3nB6c1D5eF0gH2jK4lM6nP8'],
      'secret.google_api_key': ['AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q'],
    };
    const fillers = ['', ' ', 'x', '1', '-', '.', '@', '_', ' ssn ', 'ssn: ', '/', '9.', ':'];
    for (const d of libraryDefinitions()) {
      if (!d.refine) continue;
      const reach = d.reach!;
      for (const v of samples[d.name] ?? []) {
        for (const left of fillers) {
          for (const right of fillers) {
            // the match sits in the middle, `reach` fixed characters on each side, and
            // the text beyond those varies
            const pad = 'z '.repeat(reach).slice(0, reach);
            const base = `${pad}${v}${pad}`;
            const s = pad.length;
            const e = s + v.length;
            const expected = d.refine(base, s, e);
            const t = `${left}${base}${right}`;
            const got = d.refine(t, s + left.length, e + left.length);
            expect(got?.map((x) => x - left.length), `${d.name} ${JSON.stringify(t)}`).toEqual(expected);
          }
        }
      }
    }
  });

  it('finds what a scan of the whole text finds, for library classifiers over realistic text cut anywhere', () => {
    const names = set.names();
    const piecesOf = fc.constantFrom(
      'Contact jane.doe@example.com today. ',
      'card 4111 1111 1111 1111 exp 12/29 ',
      'SSN: 536-22-5674 ',
      'key AKIAIOSFODNN7EXAMPLE in use ',
      'token = "Zx8vQ2mL9pR4tY7wK3nB" ',
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl ok ',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n',
      'call +44 20 7946 0958 or (415) 555-0132 ',
      'host 10.0.0.7 ',
      'The weather is fine. ',
      'IBAN DE89 3704 0044 0532 0130 00 ',
      '4111',
      'jane@',
      '-----',
    );
    fc.assert(
      fc.property(fc.array(piecesOf, { maxLength: 8 }), fc.array(fc.nat({ max: 400 }), { maxLength: 10 }), (ps, at) => {
        const t = ps.join('');
        const want = set.scan(t, names);
        const got: Match[] = [];
        const resume = new Map<string, number>();
        let from = 0;
        for (const n of [...new Set([...at.filter((c) => c < t.length), t.length])].sort((a, b) => a - b)) {
          const r = set.scanPartial(t.slice(0, n), names, { from, resume, final: n === t.length });
          for (const m of r.matches) {
            got.push(m);
            resume.set(m.classifier, Math.max(resume.get(m.classifier) ?? 0, m.end));
          }
          from = r.pending;
        }
        got.sort((a, b) => a.start - b.start || a.end - b.end || (a.classifier < b.classifier ? -1 : a.classifier > b.classifier ? 1 : 0));
        expect(got).toEqual(want);
      }),
      { numRuns: 150 },
    );
  });
});
