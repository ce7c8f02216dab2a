import { describe, expect, it } from 'vitest';
import type { BinaryOp, Body, Literal, Location, Module, Rule, Term } from '../../src/lang/ast.js';
import { format } from '../../src/lang/format/module.js';

// The printer over hand-built ASTs: everything sits on line 1, so layout follows the
// canonical one-line rules and only the printing of each node is under test.

let offset = 0;
function at(line = 1): Location {
  offset += 1;
  return { file: 't.gate', line, col: 1, endLine: line, endCol: 2, offset, endOffset: offset + 1 };
}
const num = (raw: string): Term => ({ type: 'number', raw, loc: at() });
const str = (value: string, rawString = false): Term => ({ type: 'string', value, rawString, loc: at() });
const v = (name: string): Term & { type: 'var' } => ({ type: 'var', name, loc: at() });
const bin = (op: BinaryOp, left: Term, right: Term): Term => ({ type: 'binary', op, left, right, loc: at() });
const ref = (head: Term, ...names: string[]): Term => ({
  type: 'ref',
  head,
  path: names.map((n) => str(n)),
  dotted: names.map(() => true),
  loc: at(),
});
const lit = (term: Term, negated = false): Literal => ({ negated, with: [], stmt: { type: 'term', term }, loc: at() });

function rule(name: string, value: Term | undefined, body: Body = []): Rule {
  return {
    type: 'rule',
    isDefault: false,
    head: { name, ref: [], refDotted: [], ...(value ? { value, assign: ':=' as const } : {}), loc: at() },
    body,
    hasBody: body.length > 0,
    elses: [],
    loc: at(),
  };
}

function mod(...rules: Rule[]): Module {
  return {
    type: 'module',
    file: 't.gate',
    package: ['t'],
    packageLoc: at(),
    imports: [],
    rules,
    classifiers: [],
    comments: [],
    loc: at(),
  };
}

const body = (m: Module) => format(m).split('\n').slice(2).join('\n');

describe('format over hand-built ASTs', () => {
  it('parenthesizes binary operands only where precedence requires', () => {
    const m = mod(
      rule('a', bin('*', bin('+', num('1'), num('2')), num('3'))),
      rule('b', bin('+', num('1'), bin('*', num('2'), num('3')))),
      rule('c', bin('-', num('1'), bin('-', num('2'), num('3')))),
      rule('d', bin('-', bin('-', num('1'), num('2')), num('3'))),
      rule('e', bin('==', bin('|', v('x'), v('y')), v('z'))),
    );
    expect(body(m)).toBe(
      ['a := (1 + 2) * 3', 'b := 1 + 2 * 3', 'c := 1 - (2 - 3)', 'd := 1 - 2 - 3', 'e := x | y == z', ''].join('\n'),
    );
  });

  it('writes strings in canonical JSON escaping and keeps raw strings raw', () => {
    const m = mod(rule('s', str('a"b\\c\n\u0001é')), rule('r', str('\\d+\\s', true)));
    expect(body(m)).toBe(['s := "a\\"b\\\\c\\n\\u0001é"', 'r := `\\d+\\s`', ''].join('\n'));
  });

  it('writes empty and non-empty collections', () => {
    const m = mod(
      rule('e', { type: 'set', items: [], loc: at() }),
      rule('s', { type: 'set', items: [num('1'), num('2')], loc: at() }),
      rule('o', { type: 'object', entries: [[str('a'), num('1.50')]], loc: at() }),
      rule('x', { type: 'array', items: [], loc: at() }),
    );
    expect(body(m)).toBe(['e := set()', 's := {1, 2}', 'o := {"a": 1.50}', 'x := []', ''].join('\n'));
  });

  it('writes a one-literal body inline and never starts an inline body with a brace', () => {
    const m = mod(
      rule('p', undefined, [lit(ref(v('input'), 'x'), true)]),
      rule('q', undefined, [lit({ type: 'set', items: [v('x')], loc: at() })]),
    );
    expect(body(m)).toBe(['p if not input.x', '', 'q if {', '\t{x}', '}', ''].join('\n'));
  });
});
