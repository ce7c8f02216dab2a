import { describe, expect, it } from 'vitest';
import type { Term } from '../../src/lang/ast.js';
import {
  combineHooks,
  coverableLines,
  coverageReport,
  createCoverageCollector,
  formatLineRanges,
  formatPercent,
} from '../../src/tester/coverage.js';
import { at, lit, mod, rule } from './ast-helpers.js';

const F = 'policies/chat.gate';

// package on line 1; p (3-5); q (7-8, a comprehension whose body is on line 9);
// r (12, no body); every on line 15 with its body on line 16.
function sample() {
  const compr: Term = { type: 'arraycompr', term: { type: 'var', name: 'x', loc: at(F, 8) }, body: [lit(F, 9)], loc: at(F, 8) };
  const p = rule(F, 3, 'p', [lit(F, 4), lit(F, 5)]);
  const q = rule(F, 7, 'q', [lit(F, 8, compr)]);
  const r = rule(F, 12, 'r');
  const every = rule(F, 14, 's', [
    {
      negated: false,
      with: [],
      stmt: { type: 'every', value: { type: 'var', name: 'v', loc: at(F, 15) }, domain: { type: 'array', items: [], loc: at(F, 15) }, body: [lit(F, 16)] },
      loc: at(F, 15),
    },
  ]);
  return { module: mod(F, ['railgate', 'chat'], [p, q, r, every]), p, q, r };
}

describe('coverableLines', () => {
  it('counts rule heads and every literal, nested bodies included', () => {
    expect([...coverableLines(sample().module)].sort((a, b) => a - b)).toEqual([3, 4, 5, 7, 8, 9, 12, 14, 15, 16]);
  });
});

describe('coverage collection', () => {
  it('covers a head when its rule succeeded and a literal when it was evaluated', () => {
    const { module, p, q } = sample();
    const c = createCoverageCollector();
    c.hooks.enterRule?.(q, ['railgate', 'chat', 'q']); // entered but never succeeded
    c.hooks.ruleSucceeded?.(p, ['railgate', 'chat', 'p'], true);
    c.hooks.literal?.(p.body[0]!, true);
    c.hooks.literal?.(p.body[1]!, false); // evaluated, failed: still covered
    c.hooks.literal?.(q.body[0]!, false);
    const report = coverageReport([module], c.hits);
    expect(report.files).toEqual([{ file: F, covered: [3, 4, 5, 8], notCovered: [7, 9, 12, 14, 15, 16], percent: 40 }]);
    expect(report).toMatchObject({ covered: 4, coverable: 10, percent: 40 });
  });

  it('reports files in name order, with 100% for a file with nothing coverable', () => {
    const empty = mod('a/empty.gate', ['x'], []);
    const report = coverageReport([sample().module, empty], new Map());
    expect(report.files.map((f) => [f.file, f.percent])).toEqual([
      ['a/empty.gate', 100],
      [F, 0],
    ]);
  });

  it('combines tracers so coverage and --explain can both listen', () => {
    const { p } = sample();
    const a = createCoverageCollector();
    const b = createCoverageCollector();
    combineHooks(a.hooks, undefined, b.hooks)!.ruleSucceeded!(p, ['p'], true);
    expect(a.hits.get(F)).toEqual(new Set([3]));
    expect(b.hits.get(F)).toEqual(new Set([3]));
    expect(combineHooks(undefined)).toBeUndefined();
  });
});

describe('formatting', () => {
  it('prints line ranges compactly', () => {
    expect(formatLineRanges([30, 12, 13, 14, 16, 14])).toBe('12-14, 16, 30');
    expect(formatLineRanges([])).toBe('');
  });

  it('prints percentages with at most one decimal', () => {
    expect(formatPercent(87.5)).toBe('87.5');
    expect(formatPercent(100)).toBe('100');
    expect(formatPercent(200 / 3)).toBe('66.7');
  });
});

describe('default rules', () => {
  it('count as covered when their rule was evaluated', () => {
    const def = { ...rule(F, 3, 'allow'), isDefault: true };
    const allow = rule(F, 5, 'allow', [lit(F, 6)]);
    const other = { ...rule(F, 8, 'other'), isDefault: true };
    const module = mod(F, ['app'], [def, allow, other]);
    const c = createCoverageCollector();
    c.hooks.enterRule?.(allow, ['app', 'allow']);
    c.hooks.literal?.(allow.body[0]!, false);
    const report = coverageReport([module], c.hits, c.entered);
    expect(report.files[0]).toMatchObject({ covered: [3, 6], notCovered: [5, 8] });
    expect(coverageReport([module], c.hits).files[0]!.notCovered).toEqual([3, 5, 8]);
  });
});
