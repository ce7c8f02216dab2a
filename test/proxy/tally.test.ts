import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeSplit, TokenTally } from '../../src/proxy/tally.js';
import { countTokens } from '../../src/runtime/tokens.js';

// The incremental token count of streamed text must equal countTokens over each
// stream's whole text, wherever the deltas are cut, and a limit must never be
// passed: tryAdd refuses exactly the deltas that would take the total over it.

/** Text that looks like model output: words, numbers, punctuation, spaces, line breaks, some non-ASCII. */
const word = fc.oneof(
  fc.constantFrom('the', 'model', 'said', 'Hello', 'world', "it's", 'don\'t', 'ORION', 'x', 'a', 'résumé', '東京', '🙂', 'foo_bar', 'camelCase'),
  fc.stringMatching(/^[a-zA-Z]{1,12}$/),
  fc.stringMatching(/^[0-9]{1,7}$/),
);
const sep = fc.constantFrom(' ', ' ', ' ', '  ', '\n', '\n\n', ', ', '. ', '.\n', ' - ', '\t', '', '/', '!\n');
const prose = fc.array(fc.tuple(word, sep), { minLength: 0, maxLength: 400 }).map((xs) => xs.map(([w, s]) => w + s).join(''));
/** Long enough that the tally splits it (past 1 KiB) several times. */
const longProse = fc.array(fc.tuple(word, sep), { minLength: 300, maxLength: 800 }).map((xs) => xs.map(([w, s]) => w + s).join(''));

function pieces(text: string, cuts: number[]): string[] {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let prev = 0;
  for (const c of at) {
    out.push(text.slice(prev, c));
    prev = c;
  }
  out.push(text.slice(prev));
  return out;
}

describe('safeSplit', () => {
  it('only splits where the two halves count as many tokens as the whole', () => {
    fc.assert(
      fc.property(prose, fc.nat(), (text, at) => {
        const i = safeSplit(text, at % (text.length + 1));
        if (i === 0) return;
        for (const model of [undefined, 'gpt-4']) {
          expect(countTokens(text.slice(0, i), model) + countTokens(text.slice(i), model)).toBe(countTokens(text, model));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('finds a space between letters, and a letter after a line feed', () => {
    expect(safeSplit('hello world', 20)).toBe(5);
    expect(safeSplit('hello.\nWorld', 20)).toBe(7);
    expect(safeSplit('1 2 3', 20)).toBe(0);
    expect(safeSplit('abc', 20)).toBe(0);
  });
});

describe('TokenTally', () => {
  it('counts what countTokens counts over each whole text, however the deltas are cut', () => {
    fc.assert(
      fc.property(longProse, prose, fc.array(fc.nat(), { maxLength: 200 }), (a, b, cuts) => {
        const tally = new TokenTally('gpt-4.1-mini');
        const pa = pieces(a, cuts);
        const pb = pieces(b, cuts.map((c) => c * 7));
        for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
          const deltas = [];
          if (i < pa.length) deltas.push({ key: '0/content', text: pa[i]! });
          if (i < pb.length) deltas.push({ key: '1/content', text: pb[i]! });
          expect(tally.tryAdd(deltas)).toBe(true);
        }
        expect(tally.total()).toBe(countTokens(a, 'gpt-4.1-mini') + countTokens(b, 'gpt-4.1-mini'));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses exactly the delta that would pass the limit, and never holds more than it', () => {
    fc.assert(
      fc.property(longProse, fc.array(fc.nat(), { maxLength: 300 }), fc.integer({ min: 0, max: 1500 }), (text, cuts, limit) => {
        const tally = new TokenTally(undefined);
        let delivered = '';
        for (const p of pieces(text, cuts)) {
          const ok = tally.tryAdd([{ key: 'k', text: p }], limit);
          expect(ok).toBe(countTokens(delivered + p) <= limit);
          if (!ok) break;
          delivered += p;
          expect(tally.total()).toBe(countTokens(delivered));
        }
        expect(tally.total()).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps only a bounded tail of long text with word breaks', () => {
    const tally = new TokenTally(undefined);
    const sentence = 'the quick brown fox jumps over the lazy dog ';
    let whole = '';
    for (let i = 0; i < 2000; i++) {
      tally.tryAdd([{ key: 'k', text: sentence }]);
      whole += sentence;
    }
    expect(tally.total()).toBe(countTokens(whole));
    const held = (tally as unknown as { texts: Map<string, { tail: string }> }).texts.get('k')!.tail.length;
    expect(held).toBeLessThan(2048);
  });
});
