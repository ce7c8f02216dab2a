// Imports, rule heads and conflicting definitions, over parsed sources.
import { describe, it } from 'vitest';
import { runCase, type Case } from './harness.js';

const cases: Case[] = [
  {
    name: 'import rego.v1 and future.keywords are accepted',
    src: 'package app\n\nimport rego.v1\nimport future.keywords.in\n\nallow if "a" in input.roles\n',
    want: [],
  },
  {
    name: 'an alias may not shadow input',
    src: 'package app\n\nimport data.lib.x as input\n',
    want: [{ code: 'import_error', at: 'import data.lib.x', msg: 'import alias input would shadow the root document input', hint: 'choose another alias' }],
  },
  {
    name: 'two imports binding one name',
    src: 'package app\n\nimport data.a.roles\nimport data.b.roles\n',
    want: [{ code: 'import_error', at: 'import data.b.roles', msg: 'already bound by import data.a.roles at line 3', hint: 'as other_roles' }],
  },
  {
    name: 'the same import twice',
    src: 'package app\n\nimport data.a.roles\nimport data.a.roles\n',
    want: [{ code: 'import_error', at: 'import data.a.roles', nth: 1, msg: 'duplicate import data.a.roles', hint: 'remove this import' }],
  },
  {
    name: 'an import that shadows a rule of the package',
    src: 'package app\n\nimport data.lib.allow\n\nallow if input.ok\n',
    want: [{ code: 'import_error', at: 'import data.lib.allow', msg: 'shadows the rule allow', hint: 'as allow_doc' }],
  },
  {
    name: 'a complete rule and a partial set of one name',
    src: 'package app\n\np := 1 if input.a\n\np contains 2 if input.b\n',
    want: [{ code: 'conflict', at: 'p contains', msg: 'p is a partial set (contains) here but a complete rule at a.gate:3' }],
  },
  {
    name: 'a partial object and a complete rule of one name, across files',
    src: { 'a.gate': 'package app\n\nroles[k] := v if some k, v in input.r\n', 'b.gate': 'package app\n\nroles := {}\n' },
    want: [{ code: 'conflict', file: 'b.gate', at: 'roles', msg: 'roles is a complete rule here but a partial object at a.gate:3' }],
  },
  {
    name: 'two defaults for one rule',
    src: 'package app\n\ndefault allow := false\n\ndefault allow := true\n',
    want: [{ code: 'conflict', at: 'allow := true', msg: 'multiple default rules for allow (first at a.gate:3)' }],
  },
  {
    name: 'two different constant values: a warning (OPA fails only when p is evaluated)',
    src: 'package app\n\np := 1\n\np := 2\n',
    want: [{ code: 'conflict', at: 'p := |2', msg: 'conflicting values for p: 2 here and 1 at a.gate:3', warning: true }],
  },
  {
    name: 'equal constant values, or values under conditions, do not conflict',
    src: 'package app\n\np := {"a": [1, 2]}\n\np := {"a": [1, 2]}\n\nq := 1 if input.x\n\nq := 2 if input.y\n',
    want: [],
  },
  {
    name: 'functions with different arities',
    src: 'package app\n\nf(x) := x\n\nf(x, y) := y\n',
    want: [{ code: 'conflict', at: 'f(x, y)', msg: 'function f takes 2 arguments here but 1 argument at a.gate:3' }],
  },
  {
    name: 'a rule head p[x] without contains',
    src: 'package app\n\np[x] if some x in input.xs\n',
    want: [{ code: 'rule_error', at: 'p[x]', msg: 'the contains keyword is required for partial set rules', hint: 'write p contains x if' }],
  },
  {
    name: 'a v0-style deny[msg] gets one error, not also a decision type error',
    src: 'package app\n\ndeny[msg] if msg := "no"\n',
    want: [{ code: 'rule_error', at: 'deny[msg]', msg: 'the contains keyword is required', hint: 'write deny contains msg if' }],
  },
  {
    name: 'a test rule with arguments',
    src: 'package app\n\ntest_allow(x) if x\n',
    want: [{ code: 'rule_error', at: 'test_allow', msg: 'test rule test_allow cannot take arguments' }],
  },
  {
    name: 'a rule named input',
    src: 'package app\n\ninput := 1\n',
    want: [{ code: 'rule_error', at: 'input', msg: 'a rule cannot be named input' }],
  },
  {
    name: 'a rule defined inside a complete rule, in the package or a sub-package',
    src: { 'a.gate': 'package app\n\nlimits := {"chat": 1}\n\nlimits.embed := 2\n', 'b.gate': 'package app.cfg\n\nx := 1\n', 'c.gate': 'package app\n\ncfg := 3\n' },
    want: [
      { code: 'conflict', at: 'limits.embed', msg: 'limits.embed is defined inside limits, which is a complete rule (a.gate:3)' },
      { code: 'conflict', file: 'b.gate', at: 'x', msg: 'data.app.cfg.x is defined inside cfg, which is a complete rule (c.gate:3)' },
    ],
  },
  {
    name: 'ref-head rules at different paths do not conflict',
    src: 'package app\n\nlimits.chat := 10\n\nlimits.embed := 20\n\nlimits[k] := 5 if some k in input.extra\n',
    want: [],
  },
];

describe('check: imports and definitions', () => {
  for (const c of cases) it(c.name, () => runCase(c));
});
