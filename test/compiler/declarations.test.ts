import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.js';
import { evalJSON, parseAll, policy } from './helpers.js';

// Compile-time errors OPA reports instead of evaluating: a local assigned twice in
// one body, and `with` replacing a function by one of another arity (or a document
// by a function).

function errors(src: string): Array<{ code: string; message: string; line?: number }> {
  const { diagnostics } = compile(parseAll([src]));
  return diagnostics.filter((d) => d.severity === 'error').map((d) => ({ code: d.code, message: d.message, line: d.loc?.line }));
}

describe('assigning a local twice', () => {
  it('is an error at the second assignment, naming the first', () => {
    expect(errors('package t\np if {\n\tx := 1\n\tx := 2\n}')).toEqual([{ code: 'rule_error', message: 'var x assigned above (line 3)', line: 4 }]);
  });

  it('is an error inside a destructuring pattern', () => {
    expect(errors('package t\np if {\n\tx := 1\n\t[x, y] := [2, 3]\n\ty > 0\n}')).toEqual([
      { code: 'rule_error', message: 'var x assigned above (line 3)', line: 4 },
    ]);
  });

  it('is an error after some declared the name', () => {
    expect(errors('package t\np if {\n\tsome x in [1]\n\tx := 2\n}')).toEqual([{ code: 'rule_error', message: 'var x declared above (line 3)', line: 4 }]);
  });

  it('is an error for a function argument', () => {
    const got = errors('package t\nf(x) := y if {\n\tx := 1\n\ty := x\n}');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ code: 'rule_error', line: 3 });
    expect(got[0]!.message).toContain('arg x redeclared');
  });

  it('is allowed in a nested body, in another clause and in another rule', () => {
    const p = policy('package t\nr := [x, y] if {\n\tx := 1\n\ty := [x | x := 2]\n}\nq := x if { x := 1; false } else := x if { x := 3 }\ns := x if x := 4');
    expect(evalJSON(p, 't.r')).toEqual([1, [2]]);
    expect(evalJSON(p, 't.q')).toBe(3);
    expect(evalJSON(p, 't.s')).toBe(4);
  });

  it('is fine with == after :=', () => {
    const p = policy('package t\np if {\n\tx := 1\n\tx == 1\n}');
    expect(evalJSON(p, 't.p')).toBe(true);
  });
});

describe('with replacing a function', () => {
  it('rejects a replacement of another arity', () => {
    const got = errors('package t\nf(x) := x\ng(x, y) := x + y\nr := v if v := f(1) with f as g');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ code: 'type_error', line: 4 });
    expect(got[0]!.message).toContain('data.t.g takes 2 arguments but f takes 1 argument');
  });

  it('rejects a builtin replaced by a function of another arity', () => {
    const got = errors('package t\ng(x, y) := x + y\nr := v if v := count([1]) with count as g');
    expect(got).toHaveLength(1);
    expect(got[0]!.message).toContain('takes 2 arguments but count takes 1 argument');
  });

  it('rejects a function as the value of a document', () => {
    const got = errors('package t\nlimit := 1\ng(x) := x\nr if limit with data.t.limit as g');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ code: 'type_error' });
    expect(got[0]!.message).toContain('is a function');
  });

  it('accepts a replacement of the same arity, and a value', () => {
    const p = policy('package t\nf(x) := x\ng(x) := x * 3\nr := [a, b] if { a := f(2) with f as g; b := f(2) with f as 5 }');
    expect(evalJSON(p, 't.r')).toEqual([6, 5]);
  });
});
