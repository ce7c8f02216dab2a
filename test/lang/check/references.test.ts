// Calls (existence, arity, literal argument types), references through imports and
// data, and recursion, over parsed sources.
import { describe, it } from 'vitest';
import { runCase, type Case } from './harness.js';

const LIB = 'package lib.groups\n\nis_research(user) if "research" in user.groups\n\nadmins := {"root"}\n';

const calls: Case[] = [
  {
    name: 'a misspelt builtin, with a suggestion',
    src: 'package app\n\np if lowr(input.name) == "x"\n',
    want: [{ code: 'undefined_function', at: 'lowr', msg: 'undefined function lowr', hint: 'did you mean lower?' }],
  },
  {
    name: 'user functions by name, by data path and by import alias',
    src: {
      'lib.gate': LIB,
      'a.gate': 'package app\n\nimport data.lib.groups\n\nf(x) := x\n\np if f(1)\n\nq if groups.is_research(input.user)\n\nr if data.lib.groups.is_research(input.user)\n',
    },
    want: [],
  },
  {
    name: 'a function imported by its own path',
    src: { 'lib.gate': LIB, 'a.gate': 'package app\n\nimport data.lib.groups.is_research\n\np if is_research(input.user)\n' },
    want: [],
  },
  {
    name: 'a misspelt function through an import alias',
    src: { 'lib.gate': LIB, 'a.gate': 'package app\n\nimport data.lib.groups\n\np if groups.is_researcher(input.user)\n' },
    want: [{ code: 'undefined_function', at: 'groups.is_researcher', msg: 'undefined function groups.is_researcher', hint: 'did you mean groups.is_research?' }],
  },
  {
    name: 'an unknown function under data',
    src: { 'lib.gate': LIB, 'a.gate': 'package app\n\np if data.lib.groups.is_reseach(input.user)\n' },
    want: [{ code: 'undefined_function', at: 'data.lib', msg: 'undefined function data.lib.groups.is_reseach', hint: 'did you mean data.lib.groups.is_research?' }],
  },
  {
    name: 'calling a rule that is not a function',
    src: { 'lib.gate': LIB, 'a.gate': 'package app\n\nimport data.lib.groups\n\np if groups.admins(input.user)\n' },
    want: [{ code: 'undefined_function', at: 'groups.admins', msg: 'groups.admins is a complete rule, not a function (lib.gate:5)' }],
  },
  {
    name: 'a function ref head called through its path',
    src: 'package app\n\nfoo["bar"](x) := x + 1\n\nx := foo.bar(2)\n',
    want: [],
  },
  {
    name: 'wrong arity of a user function',
    src: 'package app\n\nf(x) := x\n\np := f(1, 2, 3)\n',
    want: [{ code: 'arity_error', at: 'f(1, 2, 3)', msg: 'function f takes 1 argument but got 3' }],
  },
  {
    name: 'the output-argument form is valid as a statement only',
    src: 'package app\n\np if {\n  count([1], n)\n  n == 1\n}\n\nq := count([1], m)\n',
    want: [{ code: 'arity_error', at: 'count([1], m)', msg: 'count takes 1 argument but got 2', hint: 'write m := count([1]) instead' }],
  },
  {
    name: 'too few arguments to a builtin',
    src: 'package app\n\np := concat(",")\n',
    want: [{ code: 'arity_error', at: 'concat', msg: 'concat takes 2 arguments but got 1' }],
  },
  {
    name: 'a builtin with an optional argument',
    src: 'package app\n\np := classify(input.text)\n\nq := classify(input.text, ["pii.email"])\n',
    want: [],
  },
  {
    name: 'literal arguments of the wrong type',
    src: 'package app\n\na := count(1)\n\nb := lower(5)\n\nc := 1 + "a"\n\nd := upper(count([]))\n',
    want: [
      { code: 'type_error', at: 'count(|1)', msg: 'count: argument 1 must be array or object or set or string, got number 1' },
      { code: 'type_error', at: 'lower(|5)', msg: 'lower: argument 1 must be string, got number 5', hint: 'format_int' },
      { code: 'type_error', at: '1 + |"a"', msg: 'operator + expects number operands, got string "a"', hint: 'concat' },
      { code: 'type_error', at: 'upper(|count', msg: 'upper: argument 1 must be string, got number count([])' },
    ],
  },
  {
    name: 'every problem is reported, not just the first',
    src: 'package app\n\np if {\n  lowr("a")\n  count([1], 2, 3)\n}\n\nq if uper("b")\n',
    want: [
      { code: 'undefined_function', at: 'lowr', msg: 'lowr' },
      { code: 'arity_error', at: 'count', msg: 'count takes 1 argument but got 3' },
      { code: 'undefined_function', at: 'uper', msg: 'uper', hint: 'did you mean upper?' },
    ],
  },
];

const refs: Case[] = [
  {
    name: 'a misspelt rule through an import alias is an error',
    src: { 'lib.gate': LIB, 'a.gate': 'package app\n\nimport data.lib.groups\n\np if "x" in groups.admin\n' },
    want: [{ code: 'undefined_ref', at: 'groups.|admin', msg: 'undefined reference groups.admin: package lib.groups has no rule admin', hint: 'did you mean groups.admins?' }],
  },
  {
    name: 'a name missing under a loaded package spelt with data is only a warning (data.json may hold it)',
    src: { 'lib.gate': LIB, 'a.gate': 'package app\n\np if "x" in data.lib.groups.admin\n' },
    want: [{ code: 'undefined_ref', at: 'groups.|admin', msg: 'package lib.groups has no rule admin', warning: true }],
  },
  {
    name: 'refs to sub-packages, unloaded packages, imports of base documents and computed keys are not judged',
    src: {
      'lib.gate': LIB,
      'sub.gate': 'package lib.groups.extra\n\nq := 1\n',
      'a.gate':
        'package app\n\nimport data.roles\nimport data.lib.groups.teams\n\np if data.lib.groups.extra.q == 1\n\nq if data.other.thing\n\nr if roles.admin\n\ns if teams.x\n\nt if data.lib.groups[input.k]\n',
    },
    want: [],
  },
];

const recursion: Case[] = [
  {
    name: 'two rules that depend on each other',
    src: 'package app\n\np if q\n\nq if {\n  p\n}\n',
    want: [{ code: 'recursion', at: 'p if', msg: 'recursion: p → q → p' }],
  },
  {
    name: 'a recursive function',
    src: 'package app\n\nfact(n) := n * fact(n - 1) if n > 0\n',
    want: [{ code: 'recursion', at: 'fact(n)', msg: 'recursion: fact → fact' }],
  },
  {
    name: 'a cycle across packages through data and an import',
    src: {
      'a.gate': 'package a\n\nimport data.b\n\np if b.q\n',
      'b.gate': 'package b\n\nq if data.a.r\n',
      'c.gate': 'package a\n\nr if p\n',
    },
    want: [{ code: 'recursion', file: 'a.gate', at: 'p if', msg: 'recursion: p → data.b.q → r → p' }],
  },
  {
    name: 'sibling ref-head rules and shadowing locals are not cycles',
    src: 'package app\n\nlimits.a := 1\n\nlimits.b := limits.a + 1\n\nf(p) := p\n\np := f(1)\n\nq if {\n  some r in [1]\n  r == 1\n}\n\nr := 2\n',
    want: [],
  },
];

describe('check: calls', () => {
  for (const c of calls) it(c.name, () => runCase(c));
});
describe('check: references', () => {
  for (const c of refs) it(c.name, () => runCase(c));
});
describe('check: recursion', () => {
  for (const c of recursion) it(c.name, () => runCase(c));
});
