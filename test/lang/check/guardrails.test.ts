import { readFileSync } from 'node:fs';
// Classifier declarations and names, and the types of decision-document rules.
import { describe, expect, it } from 'vitest';
import { check } from '../../../src/lang/check/index.js';
import { error } from '../../../src/lang/diagnostics.js';
import { BUILTIN_SIGNATURES, CLASSIFIER_NAMES } from './builtins-fixture.js';
import { parseAll, runCase, type Case } from './harness.js';

// The example policy of DESIGN.md, with the library it imports.
const DESIGN_EXAMPLE = readFileSync(new URL('../../fixtures/design-example.gate', import.meta.url), 'utf8');
const GROUPS = 'package railgate.lib.groups\n\nis_research(user) if "research" in user.groups\n';

const classifiers: Case[] = [
  {
    name: 'the DESIGN.md example policy is clean',
    src: { 'chat.gate': DESIGN_EXAMPLE, 'groups.gate': GROUPS },
    want: [],
  },
  {
    name: 'a classifier declared twice, across modules',
    src: { 'a.gate': 'package a\n\nclassifier card {\n  keywords ["x"]\n}\n', 'b.gate': 'package b\n\nclassifier card {\n  keywords ["y"]\n}\n' },
    want: [{ code: 'classifier_error', file: 'b.gate', at: 'classifier card', msg: 'classifier card is already declared at a.gate:3' }],
  },
  {
    name: 'unknown classifier names in classify, find, redact and decision objects',
    src:
      'package app\n\nclassifier card {\n  keywords ["x"]\n}\n\n' +
      'a if "crad" in classify(input.t, ["crad", "pii.email"])\n\n' +
      'b := find(input.t, "pii.emial")\n\n' +
      'b2 if "pii.eamil" in classify(input.t)\n\n' +
      'c := redact(input.t, {"card", "codenme"}, "*")\n\n' +
      'redact contains {"classifier": "pii.phnoe"}\n\n' +
      'mask contains "crd"\n',
    want: [
      { code: 'classifier_error', at: '"crad" in', msg: 'unknown classifier "crad"', hint: 'did you mean card?' },
      { code: 'classifier_error', at: '"crad", "pii', msg: 'unknown classifier "crad"', hint: 'did you mean card?' },
      { code: 'classifier_error', at: '"pii.emial"', msg: 'unknown classifier "pii.emial"', hint: 'did you mean pii.email?' },
      { code: 'classifier_error', at: '"pii.eamil"', msg: 'unknown classifier "pii.eamil"', hint: 'did you mean pii.email?' },
      { code: 'classifier_error', at: '"codenme"', msg: 'unknown classifier "codenme"', hint: 'declare it' },
      { code: 'classifier_error', at: '"pii.phnoe"', msg: 'unknown classifier "pii.phnoe"', hint: 'did you mean pii.phone?' },
      { code: 'classifier_error', at: '"crd"', msg: 'unknown classifier "crd"', hint: 'did you mean card?' },
    ],
  },
  {
    name: 'the validator supplied by the classifier engine is called for each declaration',
    src: 'package app\n\nclassifier one {\n  pattern `(a+)+`\n}\n\nclassifier two {\n  keywords ["x"]\n}\n',
    validateClassifier: (d) => (d.name === 'one' ? [error('classifier_error', `classifier ${d.name}: unbounded`, d.clauses[0]!.loc)] : []),
    want: [{ code: 'classifier_error', at: 'pattern', msg: 'classifier one: unbounded' }],
  },
];

const decisions: Case[] = [
  {
    name: 'deny written as a complete rule',
    src: 'package app\n\ndeny := "blocked" if input.bad\n',
    want: [{ code: 'type_error', at: 'deny', msg: 'deny is a set in the decision document, but this rule makes it a complete rule', hint: 'deny contains "blocked" if { … }' }],
  },
  {
    name: 'mask written as a partial object',
    src: 'package app\n\nmask[c] := true if some c in input.cs\n',
    want: [{ code: 'type_error', at: 'mask', msg: 'mask is a set in the decision document, but this rule makes it a partial object' }],
  },
  {
    name: 'max_tokens that is not a number, in the head, in else, and as a bare rule',
    src: 'package app\n\nmax_tokens := "4096" if input.a\n\nmax_tokens := 10 if {\n  input.b\n} else := [1]\n',
    want: [
      { code: 'type_error', at: '"4096"', msg: 'max_tokens must be a number, got string "4096"', hint: 'write max_tokens := 4096' },
      { code: 'type_error', at: '[1]', msg: 'max_tokens must be a number, got array [1]' },
    ],
  },
  {
    name: 'max_tokens as a set, and as a rule with no value',
    src: 'package app\n\nmax_tokens contains 1\n',
    want: [{ code: 'type_error', at: 'max_tokens', msg: 'max_tokens must be a single number, but this rule makes it a partial set' }],
  },
  {
    name: 'record values',
    src: 'package app\n\ndefault record := "metadata"\n\nrecord := "everything" if input.debug\n\nrecord := input.mode if input.x\n',
    want: [{ code: 'type_error', at: '"everything"', msg: 'record must be "full" or "metadata", got "everything"' }],
  },
  {
    name: 'max_tokens_action values, and as a set',
    src: 'package app\n\nmax_tokens_action := "drop" if input.a\n\nmax_tokens_action := "reject" if input.b\n',
    want: [{ code: 'type_error', at: '"drop"', msg: 'max_tokens_action must be "clamp" or "reject", got "drop"', hint: 'write max_tokens_action := "clamp" or max_tokens_action := "reject"' }],
  },
  {
    name: 'max_tokens_action as a set',
    src: 'package app\n\nmax_tokens_action contains "reject"\n',
    want: [{ code: 'type_error', at: 'max_tokens_action', msg: 'max_tokens_action must be a single string, but this rule makes it a partial set' }],
  },
  {
    name: 'quota elements: missing keys, wrong types, bad durations',
    src:
      'package app\n\nquota contains {"name": "d", "key": input.user.id, "limit": "100"}\n\n' +
      'quota contains {"name": "h", "key": 1, "limit": 5, "window": "1 day"}\n\n' +
      'quota contains "daily"\n',
    want: [
      { code: 'type_error', at: '{"name": "d"', msg: 'quota element is missing key "window"', hint: '"name", "key", "limit", "window"' },
      { code: 'type_error', at: '"100"', msg: 'quota element key "limit" must be number, got string "100"' },
      { code: 'type_error', at: '"1 day"', msg: 'quota element key "window" must be a duration like "24h"' },
      { code: 'type_error', at: '"daily"', msg: 'elements of quota must be object, got string "daily"' },
    ],
  },
  {
    name: 'approval and redact elements',
    src: 'package app\n\napproval contains {"approvers": ["leads"]}\n\nredact contains {"replacement": "*"}\n\napproval contains {"reason": "r", "ttl": "2h30m"}\n',
    want: [
      { code: 'type_error', at: '{"approvers"', msg: 'approval element is missing key "reason"' },
      { code: 'type_error', at: '{"replacement"', msg: 'redact element is missing key "classifier"' },
    ],
  },
  {
    name: 'computed elements and values, and functions named like decision keys, are not judged',
    src: 'package app\n\ndeny contains msg if {\n  some msg in input.reasons\n}\n\nquota contains q if {\n  q := input.q\n}\n\nmax_tokens := input.cap if input.cap\n\nrecord(x) := x\n',
    want: [],
  },
];

describe('check: classifiers', () => {
  for (const c of classifiers) it(c.name, () => runCase(c));

  it('skips unknown-name checks when the built-in library is not given', () => {
    const modules = parseAll({ 'a.gate': 'package app\n\nb := find(input.t, "nope")\n' });
    expect(check(modules, { builtins: BUILTIN_SIGNATURES })).toEqual([]);
    expect(check(modules, { builtins: BUILTIN_SIGNATURES, classifierNames: CLASSIFIER_NAMES }).map((d) => d.code)).toEqual(['classifier_error']);
  });

  it('turns a throwing validator into a diagnostic', () => {
    const modules = parseAll({ 'a.gate': 'package app\n\nclassifier x {\n  keywords ["a"]\n}\n' });
    const diags = check(modules, {
      builtins: BUILTIN_SIGNATURES,
      validateClassifier: () => {
        throw new Error('boom');
      },
    });
    expect(diags).toEqual([expect.objectContaining({ code: 'classifier_error', message: 'classifier x could not be validated: boom' })]);
  });
});

describe('check: decision documents', () => {
  for (const c of decisions) it(c.name, () => runCase(c));
});
