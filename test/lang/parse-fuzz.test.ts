import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBody, parseModule, parseTerm } from '../../src/lang/parse.js';
import type { Diagnostic } from '../../src/lang/diagnostics.js';
import { corpus } from './parse-corpus.js';
import { locationProblems } from './parse-helpers.js';

// The parser's contract under hostile input: it returns (never throws), returns an
// AST exactly when there are no errors, reports every error as a located parse_error,
// and never hits its own internal-error fallback (which would mean a bug was caught).
function checkContract(text: string, r: { diagnostics: Diagnostic[] }, value: unknown): void {
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  expect(value === undefined).toBe(errors.length > 0);
  for (const d of r.diagnostics) {
    expect(d.code).toBe('parse_error');
    expect(d.message).not.toMatch(/^internal parser error/);
    expect(d.loc).toBeDefined();
    expect(d.loc!.offset).toBeGreaterThanOrEqual(0);
    expect(d.loc!.endOffset).toBeLessThanOrEqual(text.length);
    expect(d.loc!.line).toBeGreaterThanOrEqual(1);
  }
}

function checkAll(text: string): void {
  const m = parseModule(text, 'fuzz.gate');
  checkContract(text, m, m.module);
  if (m.module) expect(locationProblems(m.module, text, 'fuzz.gate')).toEqual([]);
  const b = parseBody(text);
  checkContract(text, b, b.body);
  const t = parseTerm(text);
  checkContract(text, t, t.term);
}

const PIECES = [
  'package a', 'import data.x', 'p', 'q', 'x', '_', 'input', 'data', ':=', '=', '==', '!=', '<', '>=', '+', '-', '*', '/', '%',
  '&', '|', ',', ';', ':', '.', '[', ']', '{', '}', '(', ')', 'if', 'else', 'contains', 'some', 'in', 'every', 'not', 'with', 'as',
  'default', 'classifier', 'true', 'null', '1', '-1', '0.5e3', '"s"', '"\\u00e9"', '"\\q"', '"open', '`raw`', '`open', "'x'",
  '#c', '\n', ' ', '\t', '\r\n', '@', '!', 'set()', 'count(x)',
];

describe('parser fuzzing', () => {
  it('survives random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 120 }), (text) => checkAll(text)), { numRuns: 250 });
  });

  it('survives random token soup', () => {
    const soup = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((parts) => parts.join(' '));
    fc.assert(fc.property(soup, (text) => checkAll(text)), { numRuns: 250 });
  });

  const seeds = corpus().modules.map((m) => m.text);
  it.skipIf(seeds.length === 0)('survives token mutations of real policies', () => {
    const tokenize = (text: string) => text.match(/"(?:[^"\\\n]|\\.)*"|`[^`]*`|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|:=|==|!=|<=|>=|\s+|./g) ?? [];
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), piece: fc.constantFrom(...PIECES) }),
      fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), other: fc.nat() }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    );
    const mutated = fc
      .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }))
      .map(([seed, muts]) => {
        const toks = tokenize(seed);
        for (const m of muts) {
          if (toks.length === 0) break;
          const i = m.at % toks.length;
          if (m.kind === 'delete') toks.splice(i, 1);
          else if (m.kind === 'insert') toks.splice(i, 0, m.piece);
          else if (m.kind === 'truncate') toks.length = i;
          else {
            const j = m.other % toks.length;
            [toks[i], toks[j]] = [toks[j]!, toks[i]!];
          }
        }
        return toks.join('');
      });
    fc.assert(fc.property(mutated, (text) => checkAll(text)), { numRuns: 300 });
  });

  it('handles deep nesting without blowing the stack', () => {
    const nest = (depth: number) => `package a\np := ${'[{('.repeat(depth)}1${')}]'.repeat(depth)}\n`;
    const ok = parseModule(nest(66), 'deep.gate');
    expect(ok.module).toBeDefined();
    for (const depth of [67, 5000]) {
      const text = nest(depth);
      const r = parseModule(text, 'deep.gate');
      checkContract(text, r, r.module);
      expect(r.diagnostics.map((d) => d.message)).toEqual(['brackets nested more than 200 deep']);
      expect(parseTerm(text.slice(15)).diagnostics[0]!.message).toBe('brackets nested more than 200 deep');
    }
  });

  it('handles long inputs', () => {
    const text = `package a\np := [${Array.from({ length: 5000 }, (_, i) => i).join(', ')}]\n${'q if { x := 1 }\n'.repeat(500)}`;
    const r = parseModule(text, 'long.gate');
    expect(r.module?.rules).toHaveLength(501);
  });
});
