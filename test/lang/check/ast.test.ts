// Checks over hand-built ASTs: independent of the parser, so a parser regression
// cannot hide a checker regression (and vice versa).
import { describe, expect, it } from 'vitest';
import { check } from '../../../src/lang/check/index.js';
import type { Module } from '../../../src/lang/ast.js';
import { BUILTIN_SIGNATURES } from './builtins-fixture.js';
import { arr, call, imp, lit, mod, n, obj, ref, rule, s, v } from './ast-builder.js';

const run = (modules: Module[]) =>
  check(modules, { builtins: BUILTIN_SIGNATURES }).map((d) => ({ code: d.code, line: d.loc?.line, col: d.loc?.col, message: d.message, hint: d.hint, severity: d.severity }));

describe('check (hand-built ASTs)', () => {
  it('accepts a clean module', () => {
    const m = mod('app', [
      rule({ name: 'allow', body: [lit(call('startswith', [ref('input', ['path']), s('/v1')]))] }),
      rule({ name: 'n', value: call('count', [arr([n(1)])]) }),
    ]);
    expect(run([m])).toEqual([]);
  });

  it('reports two constant values for one complete rule at the second value', () => {
    const diags = run([mod('app', [rule({ name: 'p', pos: [3, 1], value: n(1, [3, 6]) }), rule({ name: 'p', pos: [4, 1], value: n(2, [4, 6]) })])]);
    expect(diags).toHaveLength(1);
    expect(diags[0]).toMatchObject({ code: 'conflict', line: 4, col: 6 });
    expect(diags[0]!.message).toContain('conflicting values for p');
  });

  it('suggests the closest builtin for an undefined function', () => {
    const diags = run([mod('app', [rule({ name: 'p', body: [lit(call('lowr', [s('A')], [5, 2]))] })])]);
    expect(diags).toEqual([expect.objectContaining({ code: 'undefined_function', line: 5, col: 2, hint: 'did you mean lower?' })]);
  });

  it('accepts the output-argument form only as a whole statement', () => {
    const stmt = rule({ name: 'p', body: [lit(call('count', [arr([]), v('x')]))] });
    const nested = rule({ name: 'q', pos: [2, 1], value: call('count', [arr([]), v('x')], [2, 6]) });
    const diags = run([mod('app', [stmt, nested])]);
    expect(diags).toEqual([expect.objectContaining({ code: 'arity_error', line: 2, col: 6 })]);
    expect(diags[0]!.message).toBe('count takes 1 argument but got 2');
  });

  it('names the cycle of mutually recursive rules', () => {
    const p = rule({ name: 'p', pos: [3, 1], body: [lit(v('q'))] });
    const q = rule({ name: 'q', pos: [4, 1], body: [lit(v('p'))] });
    const diags = run([mod('app', [p, q])]);
    expect(diags).toEqual([expect.objectContaining({ code: 'recursion', line: 3, message: 'recursion: p → q → p' })]);
  });

  it('rejects an import alias that shadows input', () => {
    const diags = run([mod('app', [], [imp('data.x', [2, 1], 'input')])]);
    expect(diags).toEqual([expect.objectContaining({ code: 'import_error', line: 2 })]);
  });

  it('judges import paths the parser may let through', () => {
    const m = mod('app', [], [imp('future.keywords.maybe', [2, 1]), imp('rego.v2', [3, 1]), imp('lib.x', [4, 1]), imp('future.keywords.in', [5, 1]), imp('rego.v1', [6, 1])]);
    const diags = run([m]);
    expect(diags.map((d) => [d.code, d.line])).toEqual([
      ['import_error', 2],
      ['import_error', 3],
      ['import_error', 4],
    ]);
    expect(diags[0]!.message).toBe('unknown future import future.keywords.maybe');
    expect(diags[1]!.message).toContain('only rego.v1 is accepted');
    expect(diags[2]!.hint).toBe('write import data.lib.x');
  });

  it('orders diagnostics by file, line and column', () => {
    const b = mod('b', [rule({ name: 'p', pos: [9, 1], body: [lit(call('nope', [], [9, 6]))] })], [], [], 'b.gate');
    const a = mod('a', [rule({ name: 'p', pos: [7, 1], body: [lit(call('nope', [], [7, 9])), lit(call('nada', [], [7, 3]))] })], [], [], 'a.gate');
    expect(run([b, a]).map((d) => `${d.line}:${d.col}`)).toEqual(['7:3', '7:9', '9:6']);
  });

  it('flags a misspelt rule through an import alias with a suggestion', () => {
    const lib = mod('lib.groups', [rule({ name: 'is_research', body: [lit(v('true'))] })], [], [], 'lib.gate');
    const app = mod('app', [rule({ name: 'p', pos: [4, 1], body: [lit(ref('groups', ['is_researcher'], [4, 3]))] })], [imp('data.lib.groups', [2, 1])]);
    const diags = run([lib, app]);
    expect(diags).toEqual([expect.objectContaining({ code: 'undefined_ref', line: 4, col: 10, severity: 'error', hint: 'did you mean groups.is_research?' })]);
  });

  it('requires deny to be a set and quota elements to carry their keys', () => {
    const deny = rule({ name: 'deny', pos: [2, 1], value: s('no', [2, 9]) });
    const quota = rule({ name: 'quota', pos: [3, 1], key: obj([['name', s('d')], ['key', s('k')], ['limit', s('10', [3, 40])]], [3, 16]) });
    const diags = run([mod('app', [deny, quota])]);
    expect(diags.map((d) => [d.code, d.line])).toEqual([
      ['type_error', 2],
      ['type_error', 3],
      ['type_error', 3],
    ]);
    expect(diags[0]!.hint).toBe('write it as a partial set: deny contains "no" if { … }');
    expect(diags.map((d) => d.message).join('\n')).toContain('missing key "window"');
    expect(diags.map((d) => d.message).join('\n')).toContain('"limit" must be number, got string');
  });

  it('never throws on a malformed tree', () => {
    const broken = { type: 'module', file: 'x.gate', package: ['x'], rules: [{ head: null }], imports: null } as unknown as Module;
    const diags = check([broken], { builtins: BUILTIN_SIGNATURES });
    expect(Array.isArray(diags)).toBe(true);
    expect(diags.every((d) => d.severity === 'warning')).toBe(true);
  });
});
