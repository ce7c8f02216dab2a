import { describe, expect, it } from 'vitest';
import { EvalError } from '../../src/compiler/index.js';
import { RObject } from '../../src/runtime/value.js';
import { evalJSON, evalValue, policy } from './helpers.js';

// Rules that only read data are computed once per data document and reused across
// evaluations (purity.ts, PureStore). Reuse must never change a result: a different
// data document, input, clock, `with`, tracer or strictness sees fresh values.

describe('values of pure rules across evaluations', () => {
  it('follow the data document they were computed from', () => {
    const p = policy('package t\nn := count(data.items)\nbig if n > 1');
    const one = { items: [1] };
    expect(evalJSON(p, 't.n', { data: one })).toBe(1);
    expect(evalJSON(p, 't.n', { data: { items: [1, 2, 3] } })).toBe(3);
    expect(evalJSON(p, 't.big', { data: { items: [1, 2] } })).toBe(true);
    expect(evalJSON(p, 't.big', { data: one })).toBeUndefined();
  });

  it('do not hold input-dependent definitions of the same set', () => {
    const p = policy(
      'package t\nnames := {"a", "b"}\ns contains {"k": "fixed"}\ns contains {"k": n} if { some n in names; n != "b" }\ns contains {"k": input.x}',
    );
    expect(evalJSON(p, 't.s', { input: { x: 1 } })).toEqual([{ k: 1 }, { k: 'a' }, { k: 'fixed' }]);
    expect(evalJSON(p, 't.s', { input: { x: 2 } })).toEqual([{ k: 2 }, { k: 'a' }, { k: 'fixed' }]);
    expect(evalJSON(p, 't.s', { input: {} })).toEqual([{ k: 'a' }, { k: 'fixed' }]);
  });

  it('are recomputed under with, and the cache is untouched by it', () => {
    const p = policy(
      'package t\nbase := 1\nf(x) := x + 1\nn := count(data.items) + base\nm := f(1)\n' +
        'r := [a, b, c, d] if { a := n; b := n with data.items as [1, 2, 3]; c := n with data.t.base as 10; d := m with f as 7 }',
    );
    const data = { items: [1] };
    expect(evalJSON(p, 't.n', { data })).toBe(2);
    expect(evalJSON(p, 't.r', { data })).toEqual([2, 4, 11, 7]);
    expect(evalJSON(p, 't.n', { data })).toBe(2);
    expect(evalJSON(p, 't.m', { data })).toBe(2);
  });

  it('never cover the clock', () => {
    const p = policy('package t\nnow := time.now_ns()\nlater if now > 5');
    expect(evalJSON(p, 't.now', { nowNs: 1 })).toBe(1);
    expect(evalJSON(p, 't.now', { nowNs: 2 })).toBe(2);
    expect(evalJSON(p, 't.later', { nowNs: 9 })).toBe(true);
  });

  it('never cover input reached through an import or a function', () => {
    const p = policy('package t\nimport input.user as u\nname := u.name\nrole(x) := input.role\nr := role(1)');
    expect(evalJSON(p, 't.name', { input: { user: { name: 'a' } } })).toBe('a');
    expect(evalJSON(p, 't.name', { input: { user: { name: 'b' } } })).toBe('b');
    expect(evalJSON(p, 't.r', { input: { role: 'x' } })).toBe('x');
    expect(evalJSON(p, 't.r', { input: { role: 'y' } })).toBe('y');
  });

  it('are kept apart for strict and lax evaluation', () => {
    const p = policy('package t\nn := to_number("abc")');
    expect(evalJSON(p, 't.n')).toBeUndefined();
    expect(() => evalValue(p, 't.n', { strict: true })).toThrow(EvalError);
    expect(evalJSON(p, 't.n')).toBeUndefined();
  });

  it('still reach a tracer rule by rule', () => {
    const p = policy('package t\nlimit := 3\nok if limit > 2');
    expect(evalJSON(p, 't.ok')).toBe(true);
    const entered: string[] = [];
    evalValue(p, 't.ok', { tracer: { enterRule: (_r, path) => entered.push(path.join('.')) } });
    expect(entered).toContain('t.limit');
  });

  it('are not written into when an object rule nests below them', () => {
    const p = policy('package t\nc := {"a": 1}\no[k] := c if k := "x"\no[k].b := 2 if k := "x"');
    expect(evalJSON(p, 't.o')).toEqual({ x: { a: 1, b: 2 } });
    expect(evalJSON(p, 't.o')).toEqual({ x: { a: 1, b: 2 } });
    const c = evalValue(p, 't.c');
    expect(c).toBeInstanceOf(RObject);
    expect((c as RObject).size).toBe(1);
  });
});
