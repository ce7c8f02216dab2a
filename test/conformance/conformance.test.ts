import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCases, runCase, type Outcome } from './cases.js';

// Every OPA conformance case must pass, unless it is listed in known-failures.json
// with a reason; a listed case that passes fails too, so the list stays exact.
// Cases needing something outside railgate's language are skipped with the reason.

const known = JSON.parse(readFileSync(new URL('./known-failures.json', import.meta.url), 'utf8')) as Record<string, string>;
const cases = loadCases();
const outcomes = new Map<(typeof cases)[number], Outcome>(cases.map((c) => [c, runCase(c)]));

describe('OPA conformance', () => {
  it('finds the cases', () => {
    expect(cases.length).toBeGreaterThan(400);
  });

  for (const [c, o] of outcomes) {
    const title = `${c.note} (${c.file})`;
    if (o.status === 'skip') {
      it.skip(`${title} — skipped: ${o.reason}`, () => {});
      continue;
    }
    const reason = known[c.note];
    if (reason !== undefined) {
      it(`${title} — known failure: ${reason}`, () => {
        expect(o.status, 'listed in known-failures.json but passes now: remove it from the list').toBe('fail');
      });
      continue;
    }
    it(title, () => {
      expect(o.status === 'fail' ? o.reason : 'pass').toBe('pass');
    });
  }

  it('lists only cases that exist', () => {
    const notes = new Set(cases.map((c) => c.note));
    expect(Object.keys(known).filter((n) => !notes.has(n))).toEqual([]);
  });
});
