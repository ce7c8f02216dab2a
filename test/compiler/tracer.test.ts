import { describe, expect, it } from 'vitest';
import type { Literal, Rule } from '../../src/lang/ast.js';
import { toJSON, type Value } from '../../src/runtime/value.js';
import { evalValue, policy } from './helpers.js';

describe('tracer', () => {
  it('reports rules entered and succeeded, and literals with their outcome', () => {
    const p = policy('package t\n\nallow if {\n\tinput.a == 1\n\tinput.b == 2\n}\n\nallow if input.admin');
    const entered: string[] = [];
    const succeeded: Array<[number, unknown]> = [];
    const lits: Array<[number, boolean]> = [];
    const tracer = {
      enterRule: (r: Rule, path: string[]) => entered.push(`${path.join('.')}@${r.loc.line}`),
      ruleSucceeded: (r: Rule, _p: string[], v: Value) => succeeded.push([r.loc.line, toJSON(v)]),
      literal: (l: Literal, ok: boolean) => lits.push([l.loc.line, ok]),
    };
    expect(evalValue(p, 't.allow', { input: { a: 1, b: 3 }, tracer })).toBeUndefined();
    expect(entered).toEqual(['t.allow@3', 't.allow@8']);
    expect(succeeded).toEqual([]);
    expect(lits).toEqual([
      [4, true],
      [5, false],
      [8, false],
    ]);
  });

  it('reports the value of a rule that succeeds', () => {
    const p = policy('package t\nallow if input.a == 1');
    const got: unknown[] = [];
    evalValue(p, 't.allow', { input: { a: 1 }, tracer: { ruleSucceeded: (_r, _p, v) => got.push(toJSON(v)) } });
    expect(got).toEqual([true]);
  });
});
