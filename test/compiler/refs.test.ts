import { describe } from 'vitest';
import { type EvalCase, runEvalCases } from './helpers.js';

// References: into input, data, rules by key, call results and composite keys.

const cases: EvalCase[] = [
  { name: 'declared index var iterates', src: 'package t\nr contains i if { some i; input.xs[i] == "a" }', path: 't.r', input: { xs: ['a', 'b', 'a'] }, want: [0, 2] },
  { name: 'wildcard iteration', src: 'package t\nr if input.xs[_] == "b"', path: 't.r', input: { xs: ['a', 'b'] }, want: true },
  { name: 'bracket string keys', src: 'package t\nr := input["a.b"]', path: 't.r', input: { 'a.b': 1 }, want: 1 },
  { name: 'refs into a call result', src: 'package t\nr := split(input.s, ".")[1]', path: 't.r', input: { s: 'x.y.z' }, want: 'y' },
  { name: 'refs into a local object', src: 'package t\nr if { o := {"a": {"b": 2}}; o.a.b == 2 }', path: 't.r', want: true },
  { name: 'composite keys', src: 'package t\no[[1, 2]] := "pair"\nr := o[[1, 2]]', path: 't.r', want: 'pair' },
  { name: 'partial object by a key from input', src: 'package t\nlimits[m] := n if { some m, n in {"a": 1, "b": 2} }\nr := limits[input.m]', path: 't.r', input: { m: 'b' }, want: 2 },
  { name: 'partial set membership by key', src: 'package t\ns contains x if { some x in input.xs }\nr := [s["a"], "b" in s]', path: 't.r', input: { xs: ['a', 'b'] }, want: ['a', true] },
  { name: 'partial set lookup of a missing key', src: 'package t\ns contains x if { some x in input.xs }\nr if s["z"]', path: 't.r', input: { xs: ['a'] }, want: undefined },
  { name: 'every over key and value', src: 'package t\nr if every k, v in {"a": 1, "b": 2} { v > 0; k != "" }', path: 't.r', want: true },
  { name: 'negated function call', src: 'package t\nbad(x) if x < 0\nr if not bad(input.n)', path: 't.r', input: { n: 1 }, want: true },
  { name: 'arithmetic on an undefined operand is undefined', src: 'package t\nr := input.missing + 1', path: 't.r', input: {}, want: undefined },
  {
    name: 'import of input with an alias',
    src: 'package t\nimport input.user as u\nr := u.name',
    path: 't.r',
    input: { user: { name: 'n' } },
    want: 'n',
  },
  {
    name: 'rules of other packages through data',
    src: ['package a\nlimit := 3', 'package b\nr := data.a.limit + 1'],
    path: 'b.r',
    want: 4,
  },
  {
    name: 'iterating a package',
    src: ['package a.x\np := 1', 'package a.y\np := 2', 'package b\nr contains k if { some k; data.a[k].p > 1 }'],
    path: 'b.r',
    want: ['y'],
  },
  {
    name: 'ref head set rules group into objects of sets',
    src: 'package t\nby_role[r] contains u if { some u, rs in input.users; some r in rs }',
    path: 't.by_role',
    input: { users: { ann: ['admin', 'dev'], bo: ['dev'] } },
    want: { admin: ['ann'], dev: ['ann', 'bo'] },
  },
  {
    name: 'the data root merges base data and every package',
    src: 'package a\np := 1',
    path: '',
    data: { b: 2 },
    want: { a: { p: 1 }, b: 2 },
  },
];

describe('references', () => {
  runEvalCases(cases);
});

