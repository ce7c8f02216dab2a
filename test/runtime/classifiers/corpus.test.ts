import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { builtinLibrary } from '../../../src/runtime/classifiers/index.js';

// The precision corpus: for every built-in classifier, texts with its true positives
// (each expected match marked «…») and look-alike negatives it must not match.

const DIR = join(import.meta.dirname, '../../fixtures/classifiers');
const lib = builtinLibrary();

interface Corpus {
  classifier: string;
  positives: string[];
  negatives: string[];
}

/** The text without «» markers, and the marked spans. */
function unmark(marked: string): { text: string; spans: Array<[number, number]> } {
  let text = '';
  const spans: Array<[number, number]> = [];
  let open = -1;
  for (const ch of marked) {
    if (ch === '«') open = text.length;
    else if (ch === '»') spans.push([open, text.length]);
    else text += ch;
  }
  return { text, spans };
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
const corpora = files.map((f) => parse(readFileSync(join(DIR, f), 'utf8')) as Corpus);

describe('built-in classifier precision corpus', () => {
  it('has a corpus for every built-in classifier, with at least 10 positives and 10 negatives', () => {
    expect(corpora.map((c) => c.classifier).sort()).toEqual(lib.names());
    for (const c of corpora) {
      expect(c.positives.length, c.classifier).toBeGreaterThanOrEqual(10);
      expect(c.negatives.length, c.classifier).toBeGreaterThanOrEqual(10);
    }
  });

  for (const c of corpora) {
    it(`${c.classifier}: finds exactly the marked values in every positive`, () => {
      for (const marked of c.positives) {
        const { text, spans } = unmark(marked);
        const found = lib.scan(text, [c.classifier]).map((m) => [m.start, m.end]);
        expect(found, marked).toEqual(spans);
      }
    });

    it(`${c.classifier}: finds nothing in any look-alike`, () => {
      for (const text of c.negatives) {
        expect(lib.scan(text, [c.classifier]), text).toEqual([]);
      }
    });
  }
});
