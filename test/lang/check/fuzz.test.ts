// check() on inputs nobody wrote on purpose: random ASTs, and line-level mutations of
// real policies. It must return diagnostics (never throw) and never hit an internal
// error, whatever the tree looks like.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Module, Rule, Term } from '../../../src/lang/ast.js';
import { check } from '../../../src/lang/check/index.js';
import { parseModule } from '../../../src/lang/parse.js';
import { at, mod } from './ast-builder.js';
import { BUILTIN_SIGNATURES, CLASSIFIER_NAMES } from './builtins-fixture.js';

const OPTS = { builtins: BUILTIN_SIGNATURES, classifierNames: CLASSIFIER_NAMES };
const NAMES = ['p', 'q', 'f', 'deny', 'quota', 'max_tokens', 'record', 'mask', 'lib', 'count', 'data', 'input', 'x', 'test_a'];
const loc = at([1, 1]);

const name = fc.constantFrom(...NAMES);
const { term } = fc.letrec<{ term: Term }>((tie) => ({
  term: fc.oneof(
    { depthSize: 'small', maxDepth: 3, withCrossShrink: true },
    fc.constant<Term>({ type: 'null', loc }),
    fc.integer().map<Term>((i) => ({ type: 'number', raw: String(i), loc })),
    fc.constantFrom('card', 'pii.email', 'x', '24h').map<Term>((value) => ({ type: 'string', value, rawString: false, loc })),
    name.map<Term>((n) => ({ type: 'var', name: n, loc })),
    fc.tuple(name, fc.array(name, { maxLength: 3 })).map<Term>(([h, path]) => ({
      type: 'ref',
      head: { type: 'var', name: h, loc },
      path: path.map((p) => ({ type: 'string', value: p, rawString: false, loc })),
      dotted: path.map(() => true),
      loc,
    })),
    fc.tuple(fc.array(name, { minLength: 1, maxLength: 3 }), fc.array(tie('term'), { maxLength: 4 })).map<Term>(([fn, args]) => ({ type: 'call', fn, fnLoc: loc, args, loc })),
    fc.array(tie('term'), { maxLength: 3 }).map<Term>((items) => ({ type: 'set', items, loc })),
    fc.array(fc.tuple(tie('term'), tie('term')), { maxLength: 3 }).map<Term>((entries) => ({ type: 'object', entries, loc })),
    fc.tuple(fc.constantFrom('+' as const, '==' as const, '|' as const), tie('term'), tie('term')).map<Term>(([op, left, right]) => ({ type: 'binary', op, left, right, loc })),
  ),
}));

const ruleArb: fc.Arbitrary<Rule> = fc
  .record({
    name,
    ref: fc.array(term, { maxLength: 2 }),
    args: fc.option(fc.array(term, { maxLength: 2 }), { nil: undefined }),
    key: fc.option(term, { nil: undefined }),
    value: fc.option(term, { nil: undefined }),
    body: fc.array(term, { maxLength: 3 }),
    isDefault: fc.boolean(),
  })
  .map((r) => ({
    type: 'rule',
    isDefault: r.isDefault,
    head: { name: r.name, ref: r.ref, refDotted: r.ref.map(() => false), loc, ...(r.args ? { args: r.args } : {}), ...(r.key ? { key: r.key } : {}), ...(r.value ? { value: r.value } : {}) },
    body: r.body.map((t) => ({ negated: false, with: [], stmt: { type: 'term', term: t }, loc })),
    hasBody: r.body.length > 0,
    elses: [],
    loc,
  }));

const moduleArb: fc.Arbitrary<Module> = fc
  .tuple(fc.array(name, { minLength: 1, maxLength: 2 }), fc.array(ruleArb, { maxLength: 6 }))
  .map(([pkg, rules]) => mod(pkg.join('.'), rules));

/** Codes seen across a property's runs, to show the generated inputs reach the checks. */
let seen = new Set<string>();

function internalErrors(modules: Module[]): string[] {
  const diags = check(modules, OPTS);
  for (const d of diags) seen.add(d.code);
  return diags.filter((d) => d.message.startsWith('internal')).map((d) => d.message);
}

const POLICY = `package app

import data.lib.groups

classifier card {
	keywords ["4111"]
}

default max_tokens := 512

max_tokens := 4096 if "ml" in input.user.groups

deny contains "card" if {
	some t in input.texts
	"card" in classify(t, ["card"])
}

quota contains {"name": "d", "key": input.user.id, "limit": 10, "window": "24h"}

f(x) := y if {
	y := count(x)
}

p := f([1]) if groups.is_admin(input.user)
`;
const LIB = 'package lib.groups\n\nis_admin(u) if "admin" in u.groups\n';

/** Every .gate file of the repository's reference policies (none yet is fine). */
function repoPolicies(dir = 'policies'): Array<[string, string]> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e): Array<[string, string]> => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return repoPolicies(path);
    return e.name.endsWith('.gate') ? [[path, readFileSync(path, 'utf8')]] : [];
  });
}

function mutate(text: string, edits: Array<[string, number, number]>): string {
  const out = text.split('\n');
  for (const [kind, a, b] of edits) {
    const i = a % out.length;
    const j = b % out.length;
    if (kind === 'delete') out.splice(i, 1);
    else if (kind === 'duplicate') out.splice(i, 0, out[i]!);
    else [out[i], out[j]] = [out[j]!, out[i]!];
    if (out.length === 0) out.push('');
  }
  return out.join('\n');
}

const edits = fc.array(fc.tuple(fc.constantFrom('delete', 'duplicate', 'swap'), fc.nat(500), fc.nat(500)), { minLength: 1, maxLength: 4 });

describe('check: fuzz', () => {
  it('random ASTs never make it throw or fail internally', () => {
    seen = new Set();
    fc.assert(
      fc.property(fc.array(moduleArb, { minLength: 1, maxLength: 3 }), (modules) => {
        expect(internalErrors(modules)).toEqual([]);
      }),
      { numRuns: 150, seed: 42 },
    );
    expect([...seen].sort()).toEqual(expect.arrayContaining(['arity_error', 'conflict', 'recursion', 'type_error', 'undefined_function']));
  });

  it('line mutations of a real policy never make it throw or fail internally', () => {
    const lib = parseModule(LIB, 'lib.gate').module!;
    fc.assert(
      fc.property(edits, (e) => {
        const parsed = parseModule(mutate(POLICY, e), 'a.gate');
        if (parsed.module) expect(internalErrors([parsed.module, lib])).toEqual([]);
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it('line mutations of the repository policies never make it throw or fail internally', () => {
    const files = repoPolicies();
    const parsed = files.map(([file, text]) => parseModule(text, file).module);
    fc.assert(
      fc.property(fc.nat(), edits, (pick, e) => {
        if (files.length === 0) return;
        const k = pick % files.length;
        const mutated = parseModule(mutate(files[k]![1], e), files[k]![0]).module;
        const modules = parsed.map((m, i) => (i === k ? mutated : m)).filter((m): m is Module => m !== undefined);
        expect(internalErrors(modules)).toEqual([]);
      }),
      { numRuns: 40, seed: 11 },
    );
  });
});
