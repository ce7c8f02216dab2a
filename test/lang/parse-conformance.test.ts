import { describe, expect, it } from 'vitest';
import { parseBody, parseModule, parseTerm } from '../../src/lang/parse.js';
import { corpus } from './parse-corpus.js';
import { locationProblems } from './parse-helpers.js';

// Modules of the OPA corpus that use features outside railgate's language, and why.
// Each must fail with exactly this diagnostic: anything else is a parser bug.
const OUTSIDE_THE_LANGUAGE: Array<[RegExp, string]> = [
  [/^import future\.keywords\.not$/m, 'unsupported future keyword `not`: known ones are `in`, `if`, `contains` and `every`'],
  [/^import rego\.v2$/m, 'unsupported import `rego.v2`: only `import rego.v1` is supported'],
];

const { modules, queries, terms } = corpus();

describe.skipIf(modules.length === 0)('the OPA conformance corpus', () => {
  it('has a corpus to read', () => {
    expect(modules.length).toBeGreaterThan(600);
  });

  it('parses every module without diagnostics, except those outside the language', () => {
    const failures: string[] = [];
    let outside = 0;
    for (const m of modules) {
      const r = parseModule(m.text, m.note);
      const reason = OUTSIDE_THE_LANGUAGE.find(([re]) => re.test(m.text));
      if (reason) {
        outside++;
        if (r.module || !r.diagnostics.some((d) => d.message === reason[1])) failures.push(`${m.note}: expected "${reason[1]}"`);
        continue;
      }
      if (!r.module || r.diagnostics.length > 0) {
        failures.push(`${m.note}: ${r.diagnostics.map((d) => `${d.loc?.line}:${d.loc?.col} ${d.message}`).join('; ')}`);
      }
    }
    expect(failures).toEqual([]);
    expect(outside).toBe(13);
  });

  it('fills every location consistently: offsets in range, lines and columns matching them', () => {
    const problems: string[] = [];
    for (const m of modules) {
      const r = parseModule(m.text, m.note);
      if (!r.module) continue;
      problems.push(...locationProblems(r.module, m.text, m.note));
      if (problems.length > 10) break;
    }
    expect(problems).toEqual([]);
  });

  it('parses every query and input term', () => {
    const failures: string[] = [];
    for (const q of queries) if (!parseBody(q.text).body) failures.push(`${q.note}: ${q.text}`);
    for (const t of terms) if (!parseTerm(t.text).term) failures.push(`${t.note}: ${t.text}`);
    expect(failures).toEqual([]);
    expect(queries.length).toBeGreaterThan(400);
  });
});
