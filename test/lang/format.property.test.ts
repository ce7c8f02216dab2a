import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSource } from '../../src/lang/format.js';
import { checkRoundTrip } from './format.helpers.js';

// Generated modules, written as source text with irregular spacing, line breaks and
// comments in many places: each must round-trip (same AST, same comments, fixed point).

const comment = fc.constantFrom(' note', '', ' a # b', '#x', ' TODO: {[(');
const sep = fc.oneof(fc.constant(', '), fc.constant(','), fc.constant(',\n'), comment.map((c) => `, #${c}\n`));

const scalar = fc.oneof(
  fc.constantFrom('0', '1', '1.5', '-2', '1e3', '0.10', 'true', 'false', 'null'),
  fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('`\\d+`', '`a "b"`', '``', `"${'long '.repeat(12)}"`, '"\\u00e9\\n\\t😀"'),
  fc.constantFrom('x', 'y', '_', 'input.a', 'input.a[0]', 'data.d.e["k-1"]', 'input["b"].c', 'input.in.not'),
  // comments where nothing can hold them: inside refs and empty collections
  fc.constantFrom('input.a[ # in ref\n0]', '[ # empty\n]', 'count( # no args\n)', '{ # empty\n}'),
);

const constant = fc.oneof(
  fc.constantFrom('0', '-1.5', '"s"', 'true', 'null', '`raw`', 'set()', '{}'),
  fc.array(fc.constantFrom('1', '"a"', 'false'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
);

const { term } = fc.letrec<{ term: string }>((tie) => ({
  term: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('term'), { maxLength: 3 }).chain((xs) => joined(xs).map((s) => `[${s}]`)),
    fc.array(tie('term'), { minLength: 1, maxLength: 3 }).chain((xs) => joined(xs).map((s) => `{${s}}`)),
    fc
      .array(fc.tuple(scalar, tie('term')), { maxLength: 3 })
      .chain((es) => joined(es.map(([k, v]) => `${k}: ${v}`)).map((s) => `{${s}}`)),
    fc
      .tuple(fc.constantFrom('count', 'concat', 'f', 'object.get'), fc.array(tie('term'), { maxLength: 3 }))
      .chain(([fn, args]) => joined(args).map((a) => `${fn}(${a})`)),
    fc
      .tuple(
        tie('term'),
        fc.constantFrom('+', '-', '*', '/', '%', '&', '|', '==', '!=', '<', '>='),
        fc.constantFrom(' ', '\n', ' # after op\n'),
        tie('term'),
        fc.boolean(),
      )
      // a bare `|` in a first item would start a comprehension, so `|` is always bracketed
      .map(([a, op, space, b, paren]) => (paren || op === '|' ? `(${a} ${op}${space}${b})` : `${a} ${op}${space}${b}`)),
    fc.constantFrom('x', 'input.n').map((v) => `-${v}`),
    tie('term').map((t) => `[v | some v in ${t}]`),
    tie('term').map((t) => `{k: v |\n\tsome k, v in ${t}\n\tv != 1}`),
    tie('term').map((t) => `(${t} in input.xs)`),
  ),
}));

function joined(items: string[]): fc.Arbitrary<string> {
  return fc.array(sep, { minLength: items.length, maxLength: items.length }).map((seps) =>
    items.map((it, i) => (i === 0 ? it : `${seps[i - 1]}${it}`)).join(''),
  );
}

const literal = fc.oneof(
  term.map((t) => `${t} == 1`),
  term.map((t) => `x := ${t}`),
  fc.constant('not input.blocked'),
  term.map((t) => `some v in ${t}`),
  term.map((t) => `some k, v in ${t}`),
  fc
    .tuple(term, fc.constantFrom(' ', '\n\t\t', ' # w\n'), fc.constantFrom(' ', '\n'))
    .map(([t, s1, s2]) => `count(${t}) > 0 with input as {"a": 1}${s1}with data.d as ${t}${s2}with f as g`),
  term.map((t) => `every e in ${t} {\n\te > 0\n}`),
  term.map((t) => `every k, e in ${t} { k != e; e > 0 } with input as 1`),
  term.map((t) => `not ${t} with input as {}`),
  term.map((t) => `{a: b | some a, b in ${t}} == x`),
  term.map((t) => `input.k in ${t}`),
  fc.constant('some a, b'),
);

const bodySep = fc.oneof(fc.constant('\n'), fc.constant('; '), fc.constant('\n\n'), comment.map((c) => ` #${c}\n#${c}\n`));
const body = fc.array(literal, { minLength: 1, maxLength: 4 }).chain((lits) =>
  fc.array(bodySep, { minLength: lits.length, maxLength: lits.length }).map((seps) =>
    lits.map((l, i) => (i === 0 ? l : `${seps[i - 1]}${l}`)).join(''),
  ),
);

const rule = (name: string) =>
  fc.oneof(
    term.map((t) => `${name} := ${t}`),
    constant.map((t) => `default ${name} := ${t}`),
    literal.map((l) => `${name} if ${l}`),
    body.map((b) => `${name} if {\n${b}\n}`),
    fc.tuple(term, body).map(([t, b]) => `${name} contains ${t} if { ${b} }`),
    fc.tuple(term, body).map(([t, b]) => `${name}(x) := ${t} if {\n\t${b}\n}`),
    fc.tuple(term, body, term).map(([t, b, e]) => `${name} := ${t} if {\n${b}\n} else := ${e}`),
    fc.tuple(body, literal).map(([b, l]) => `${name} if {\n${b}\n} else := 2 if ${l} else if {\n${b}\n}`),
    fc
      .tuple(body, comment, fc.constantFrom(' ', '\n'))
      .map(([b, c, s]) => `${name} := 1 if {\n${b}\n} #${c}\n#${c}\nelse := 2 if {\n${b}}${s}else := 3 #${c}\n`),
    fc.tuple(term, literal).map(([t, l]) => `classifier ${name} {\n pattern \`a+\`\n\tcontext ${t}; ignore_case # c\n}`),
    fc.tuple(term, body).map(([t, b]) => `${name}[k] := ${t} if {\n\tsome k in input.ks\n${b}\n}`),
  );

const between = fc.oneof(fc.constant('\n'), fc.constant('\n\n\n'), comment.map((c) => ` #${c}\n\n#${c}\n`));

const moduleText = fc
  .tuple(fc.array(fc.integer(), { minLength: 1, maxLength: 4 }), fc.boolean(), comment)
  .chain(([ids, imports, c]) =>
    fc
      .tuple(fc.tuple(...ids.map((_, i) => rule(`r${i}`))), fc.array(between, { minLength: ids.length, maxLength: ids.length }))
      .map(([rules, seps]) => {
        const head = `#${c}\npackage t.gen\n${imports ? 'import data.lib.x as y\nimport input.z\n' : ''}\n`;
        return head + rules.map((r, i) => `${r}${seps[i]}`).join('') + `#${c}\n`;
      }),
  );

describe('format: generated modules', () => {
  it('round-trip: same AST, same comments, idempotent', () => {
    let parsed = 0;
    let runs = 0;
    fc.assert(
      fc.property(moduleText, (text) => {
        runs++;
        if (checkRoundTrip(text, 'gen.gate')) parsed++;
      }),
      { numRuns: 150, seed: 20261121 },
    );
    // the generator writes valid syntax: nearly every module must parse
    expect(parsed / runs).toBeGreaterThan(0.9);
  });
});

// Mutations of real policies (characters deleted, brackets, comments and newlines
// inserted): formatSource never throws, and what it formats is a fixed point.
const policiesDir = fileURLToPath(new URL('../../policies', import.meta.url));
const seeds = existsSync(policiesDir)
  ? readdirSync(policiesDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.gate'))
      .map((f) => readFileSync(join(policiesDir, f), 'utf8'))
  : [];
const SAMPLE = 'package s\n\n# doc\nallow if {\n\tsome x in input.xs # why\n\tx.v > [1, 2][0]\n} else := false\n';

const mutated = fc
  .tuple(
    fc.constantFrom(SAMPLE, ...seeds),
    fc.array(
      fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('', '\n', '#c\n', '(', ']', '{', ',', ';', '-', '|', ' in ', 'with input as 1 ')),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([text, edits]) =>
    edits.reduce((t, [where, insert]) => {
      const at = Math.floor(where * t.length);
      return insert === '' ? t.slice(0, at) + t.slice(at + 1) : t.slice(0, at) + insert + t.slice(at);
    }, text),
  );

describe('formatSource: mutated policies', () => {
  it('never throws; its output formats to itself', () => {
    fc.assert(
      fc.property(mutated, (text) => {
        const r = formatSource(text, 'mutated.gate');
        if (r.output === undefined) expect(r.diagnostics.length).toBeGreaterThan(0);
        else expect(formatSource(r.output, 'mutated.gate').output).toBe(r.output);
      }),
      { numRuns: 100, seed: 7 },
    );
  });
});
