import { describe, expect, it } from 'vitest';
import { type EvalCase, evalError, evalJSON, policy, queryJSON, runEvalCases } from './helpers.js';

// Rego semantics, table-driven: each case is a module, a data path and the expected
// JSON value (undefined when the path is undefined).

const cases: EvalCase[] = [
  // undefined vs false, defaults
  { name: 'a failed body is undefined, not false', src: 'package t\np if { 1 > 2 }', path: 't.p', want: undefined },
  { name: 'default applies when no body succeeds', src: 'package t\ndefault p := false\np if { 1 > 2 }', path: 't.p', want: false },
  { name: 'default yields to a rule that succeeds', src: 'package t\ndefault p := false\np if { 2 > 1 }', path: 't.p', want: true },
  { name: 'undefined input field makes the body fail', src: 'package t\np if input.missing', path: 't.p', input: {}, want: undefined },
  { name: 'false literal fails the body', src: 'package t\np if { input.flag }', path: 't.p', input: { flag: false }, want: undefined },
  { name: 'complete rule with a computed value', src: 'package t\nn := count(input.xs) if input.xs', path: 't.n', input: { xs: [1, 2, 3] }, want: 3 },
  // else
  {
    name: 'else picks the first clause with a solution',
    src: 'package t\nlevel := "high" if { input.score > 80 } else := "mid" if { input.score > 40 } else := "low"',
    path: 't.level',
    input: { score: 50 },
    want: 'mid',
  },
  {
    name: 'else falls through to a bodyless value',
    src: 'package t\nlevel := "high" if { input.score > 80 } else := "low"',
    path: 't.level',
    input: { score: 1 },
    want: 'low',
  },
  // partial sets and objects
  {
    name: 'partial set collects every solution once',
    src: 'package t\ndeny contains msg if { some x in input.xs; x > 1; msg := sprintf("big %d", [x]) }\ndeny contains "always"',
    path: 't.deny',
    input: { xs: [1, 2, 3, 3] },
    want: ['always', 'big 2', 'big 3'],
  },
  { name: 'a partial set with no solutions is empty', src: 'package t\ns contains x if { some x in input.xs }', path: 't.s', input: { xs: [] }, want: [] },
  {
    name: 'partial object',
    src: 'package t\nbyname[u.name] := u.age if { some u in input.users }',
    path: 't.byname',
    input: { users: [{ name: 'a', age: 1 }, { name: 'b', age: 2 }] },
    want: { a: 1, b: 2 },
  },
  {
    name: 'ref head with a var key and constant value',
    src: 'package t\nflag[x] := true if { some x in ["a", "b"] }',
    path: 't.flag',
    want: { a: true, b: true },
  },
  {
    name: 'lookup of a partial object by key',
    src: 'package t\nsq[x] := y if { some x in input.xs; y := x * x }\nq := sq[3]',
    path: 't.q',
    input: { xs: [1, 2, 3] },
    want: 9,
  },
  {
    name: 'lookup of a missing key is undefined',
    src: 'package t\nsq[x] := y if { some x in input.xs; y := x * x }\nq := sq[7]',
    path: 't.q',
    input: { xs: [1, 2, 3] },
    want: undefined,
  },
  {
    name: 'ref heads build nested objects',
    src: 'package t\na.b[x].c := x if { some x in ["p", "q"] }\na.d := 1',
    path: 't.a',
    want: { b: { p: { c: 'p' }, q: { c: 'q' } }, d: 1 },
  },
  {
    name: 'a whole package is an object of its rules, functions left out',
    src: 'package t\np := 1\nq if false\nf(x) := x\ns contains 1',
    path: 't',
    want: { p: 1, s: [1] },
  },
  {
    name: 'data merges base documents with rules',
    src: 'package t\np := 1',
    path: 't',
    data: { t: { base: 2 } },
    want: { base: 2, p: 1 },
  },
  // functions
  {
    name: 'functions with several definitions and constant args',
    src: 'package t\nf(0) := "zero"\nf(x) := "pos" if x > 0\nr := [f(0), f(5)]',
    path: 't.r',
    want: ['zero', 'pos'],
  },
  { name: 'function with no matching definition is undefined', src: 'package t\nf(x) := 1 if x > 0\nr := f(-1)', path: 't.r', want: undefined },
  { name: 'function with array pattern argument', src: 'package t\nfirst([a, _]) := a\nr := first([7, 8])', path: 't.r', want: 7 },
  { name: 'function else', src: 'package t\nsign(x) := "neg" if x < 0 else := "nonneg"\nr := [sign(-1), sign(2)]', path: 't.r', want: ['neg', 'nonneg'] },
  { name: 'old-style output argument', src: 'package t\nr := n if count([1, 2], n)', path: 't.r', want: 2 },
  // some / every / not / in
  {
    name: 'some k, v in object',
    src: 'package t\nr contains k if { some k, v in input.o; v > 1 }',
    path: 't.r',
    input: { o: { a: 1, b: 2, c: 3 } },
    want: ['b', 'c'],
  },
  { name: 'every succeeds when all elements pass', src: 'package t\nr if every x in [1, 2] { x > 0 }', path: 't.r', want: true },
  { name: 'every fails when one element fails', src: 'package t\nr if every x in [1, -2] { x > 0 }', path: 't.r', want: undefined },
  { name: 'every over an empty collection is true', src: 'package t\nr if every x in [] { x > 0 }', path: 't.r', want: true },
  { name: 'not of an undefined ref is true', src: 'package t\nr if not input.admin', path: 't.r', input: {}, want: true },
  { name: 'not of a true expression is false', src: 'package t\nr if not input.admin', path: 't.r', input: { admin: true }, want: undefined },
  { name: 'membership', src: 'package t\nr := ["b" in ["a", "b"], 3 in {1, 2}, "k", 1 in {"k": 1}]', path: 't.r', want: [true, false, 'k', true] },
  // unification and iteration
  {
    name: 'unification with vars on both sides',
    src: 'package t\nr := [a, b] if { [a, 2] = [1, b] }',
    path: 't.r',
    want: [1, 2],
  },
  {
    name: 'object pattern unification',
    src: 'package t\nr := n if { {"name": n, "age": 3} = input.u }',
    path: 't.r',
    input: { u: { name: 'x', age: 3 } },
    want: 'x',
  },
  {
    name: 'iteration with a shared key var joins two collections',
    src: 'package t\nr contains v if { input.a[i] == input.b[i]; v := input.a[i] }',
    path: 't.r',
    input: { a: [1, 2, 3], b: [1, 0, 3] },
    want: [1, 3],
  },
  {
    name: 'safety reordering binds vars before use',
    src: 'package t\nr := y if { y == x + 1; x = input.n; y = x + 1 }',
    path: 't.r',
    input: { n: 1 },
    want: 2,
  },
  // comprehensions
  {
    name: 'comprehensions',
    src: 'package t\nr := [[x | some x in [3, 1, 2]; x > 1], {x | some x in [1, 1, 2]}, {k: v | some k, v in {"a": 1}}]',
    path: 't.r',
    want: [[3, 2], [1, 2], { a: 1 }],
  },
  {
    name: 'comprehension closes over outer vars',
    src: 'package t\nr := ys if { n := 2; ys := [x * n | some x in [1, 2]] }',
    path: 't.r',
    want: [2, 4],
  },
  // sets, objects with non-string keys, numbers
  { name: 'sets are distinct from arrays', src: 'package t\nr := [{1, 2} == {2, 1}, [1, 2] == [2, 1], {1} == [1]]', path: 't.r', want: [true, false, false] },
  { name: 'numbers compare by value', src: 'package t\nr := [1 == 1.0, 2 > 1.5]', path: 't.r', want: [true, true] },
  { name: 'object keys may be any value', src: 'package t\no := {1: "a", [1]: "b"}\nr := [o[1], o[[1]]]', path: 't.r', want: ['a', 'b'] },
  // imports and references across packages
  {
    name: 'imports resolve to other packages',
    src: ['package lib\nadmins := {"root"}\nis_admin(u) if u in admins', 'package t\nimport data.lib\nr if lib.is_admin(input.user)'],
    path: 't.r',
    input: { user: 'root' },
    want: true,
  },
  {
    name: 'base data iteration',
    src: 'package t\nroles contains r if { some r in data.users[input.user] }',
    path: 't.roles',
    input: { user: 'bob' },
    data: { users: { bob: ['a', 'b'] } },
    want: ['a', 'b'],
  },
];

describe('rule semantics', () => {
  runEvalCases(cases);
});

describe('conflicts', () => {
  it('complete rules with different values conflict at evaluation, with the location', () => {
    const p = policy('package t\n\np := 1 if input.a\n\np := 2 if input.b');
    expect(evalJSON(p, 't.p', { input: { a: true } })).toBe(1);
    const e = evalError(p, 't.p', { input: { a: true, b: true } });
    expect(e.code).toBe('eval_conflict_error');
    expect(e.message).toContain('complete rules must not produce multiple outputs');
    expect(e.message).toContain('data.t.p');
    expect(e.loc?.file).toBe('m0.gate');
    expect(e.loc?.line).toBe(5);
  });

  it('a complete rule whose body yields two values conflicts', () => {
    const p = policy('package t\np := x if { some x in [1, 2] }');
    expect(evalError(p, 't.p').code).toBe('eval_conflict_error');
  });

  it('partial objects with two values for one key conflict', () => {
    const p = policy('package t\no[k] := v if { some v in [1, 2]; k := "a" }');
    const e = evalError(p, 't.o');
    expect(e.code).toBe('eval_conflict_error');
    expect(e.message).toContain('object keys must be unique');
  });

  it('functions with different outputs for one input conflict', () => {
    const p = policy('package t\nf(x) := 1 if x > 0\nf(x) := 2 if x > 1\nr := f(5)');
    const e = evalError(p, 't.r');
    expect(e.message).toContain('functions must not produce multiple outputs for same inputs');
  });

  it('equal values from several definitions do not conflict', () => {
    const p = policy('package t\np := 1 if input.a\np := 1 if input.b');
    expect(evalJSON(p, 't.p', { input: { a: true, b: true } })).toBe(1);
  });
});

describe('builtin errors', () => {
  it('a type error makes the call undefined, as in OPA', () => {
    const p = policy('package t\nr := count(input.n)');
    expect(evalJSON(p, 't.r', { input: { n: 5 } })).toBeUndefined();
  });

  it('strict evaluation raises it with the builtin name and location', () => {
    const p = policy('package t\n\nr := count(input.n)');
    const e = evalError(p, 't.r', { input: { n: 5 }, strict: true });
    expect(e.code).toBe('eval_type_error');
    expect(e.message).toMatch(/^count: /);
    expect(e.loc?.line).toBe(3);
  });
});

describe('queries', () => {
  it('return every solution with its bindings', () => {
    const p = policy('package t\nxs := [1, 2, 3]');
    expect(queryJSON(p, 'x := data.t.xs[i]; x > 1')).toEqual([
      { x: 2, i: 1 },
      { x: 3, i: 2 },
    ]);
  });

  it('return no rows when undefined', () => {
    const p = policy('package t\np if false');
    expect(queryJSON(p, 'data.t.p = x')).toEqual([]);
  });
});
