import { describe, expect, it } from 'vitest';
import type { ClassifierClause, ClassifierDecl, Location, Term } from '../../../src/lang/ast.js';
import { compileClassifiers, validateClassifierDecl } from '../../../src/runtime/classifiers/index.js';

// Declarations are built as the parser would produce them, so these tests do not
// depend on the grammar.

function loc(line: number, col = 3): Location {
  return { file: 'p.gate', line, col, endLine: line, endCol: col + 10, offset: 0, endOffset: 10 };
}
const str = (value: string, line = 2): Term => ({ type: 'string', value, rawString: true, loc: loc(line, 11) });
const num = (raw: string, line = 2): Term => ({ type: 'number', raw, loc: loc(line, 13) });
const strs = (values: string[], line = 2): Term => ({ type: 'array', items: values.map((v) => str(v, line)), loc: loc(line, 11) });
const v = (name: string, line = 2): Term => ({ type: 'var', name, loc: loc(line, 12) });
const call = (name: string, args: Term[], line = 2): Term => ({ type: 'call', fn: [name], fnLoc: loc(line, 12), args, loc: loc(line, 12) });

function decl(name: string, ...clauses: Array<[string, Term?]>): ClassifierDecl {
  return {
    type: 'classifier',
    name,
    clauses: clauses.map(([keyword, arg], i): ClassifierClause => ({ keyword, ...(arg ? { arg } : {}), loc: loc(i + 2, 2) })),
    loc: loc(1, 1),
  };
}

const card = decl(
  'card',
  ['pattern', str('\\b(?:\\d[ -]?){12,18}\\d\\b')],
  ['validate', v('luhn')],
  ['context', strs(['card', 'visa', 'mastercard', 'amex'])],
);

describe('classifier declarations', () => {
  it('compiles the DESIGN example and matches with validation and context', () => {
    const { set, diagnostics } = compileClassifiers([card, decl('codename', ['keywords', strs(['ORION', 'BLUEBIRD'])], ['ignore_case'])]);
    expect(diagnostics).toEqual([]);
    expect(set.has('card')).toBe(true);
    expect(set.has('pii.email')).toBe(true);
    expect(set.names()).toContain('codename');
    const t = 'card 4111 1111 1111 1111 and 4111 1111 1111 1112';
    expect(set.scan(t, ['card'])).toEqual([{ classifier: 'card', start: 5, end: 24 }]);
    // the same number far from any context word does not count
    expect(set.scan(`number ${'x '.repeat(40)}4111 1111 1111 1111`, ['card'])).toEqual([]);
    expect(set.scan('Project orion and Bluebird, not orionis', ['codename']).map((m) => m.start)).toEqual([8, 18]);
    expect(set.maxLength('card')).toBe(37);
  });

  it('runs several validate clauses, and entropy with its threshold', () => {
    const { set, diagnostics } = compileClassifiers([
      decl('tok', ['pattern', str('tok_[A-Za-z0-9]{16}')], ['validate', call('entropy', [num('3.5')])], ['description', str('internal token')]),
    ]);
    expect(diagnostics).toEqual([]);
    expect(set.scan('tok_aaaaaaaaaaaaaaaa tok_Zx8fK2pQ9mLr7Tn4', ['tok'])).toEqual([{ classifier: 'tok', start: 21, end: 41 }]);
    expect(set.definition('tok')?.description).toBe('internal token');
  });

  it('uses max_length as the cap of an unbounded pattern', () => {
    const { set, diagnostics } = compileClassifiers([decl('ticket', ['pattern', str('TCK-\\d+')], ['max_length', num('10')])]);
    expect(diagnostics).toEqual([]);
    expect(set.maxLength('ticket')).toBe(10);
    expect(set.scan('TCK-123456789', ['ticket'])).toEqual([{ classifier: 'ticket', start: 0, end: 10 }]);
  });

  it('reports an invalid RE2 pattern with its reason at the pattern', () => {
    const d = validateClassifierDecl(decl('bad', ['pattern', str('(?=x)abc')], ['max_length', num('5')]));
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'classifier_error', message: expect.stringMatching(/invalid pattern: lookahead/), loc: { line: 2, col: 11 } });
    const d2 = validateClassifierDecl(decl('bad', ['pattern', str('[z-a]')]));
    expect(d2[0]!.message).toMatch(/invalid character class range/);
  });

  it('demands max_length for an unbounded pattern', () => {
    const d = validateClassifierDecl(decl('words', ['pattern', str('secret.*')]));
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'classifier_error', message: expect.stringMatching(/no bounded match length/), hint: expect.stringMatching(/max_length N/) });
    expect(validateClassifierDecl(decl('w', ['pattern', str('a{2,}')]))[0]!.message).toMatch(/no bounded/);
    expect(validateClassifierDecl(decl('w', ['pattern', str('a+')], ['max_length', num('64')]))).toEqual([]);
  });

  it('names unknown validators and lists the known ones', () => {
    const d = validateClassifierDecl(decl('x', ['pattern', str('abc')], ['validate', v('crc32')]));
    expect(d[0]).toMatchObject({ message: 'unknown validator "crc32"', hint: expect.stringContaining('luhn') });
    expect(d[0]!.hint).toContain('entropy(N)');
    expect(validateClassifierDecl(decl('x', ['pattern', str('abc')], ['validate', call('entropy', [])]))[0]!.message).toMatch(/takes one number/);
    expect(validateClassifierDecl(decl('x', ['pattern', str('abc')], ['validate', call('luhn', [num('2')])]))[0]!.message).toMatch(/takes no argument/);
  });

  it('rejects unknown clauses, missing pattern, both pattern and keywords, bad arguments', () => {
    expect(validateClassifierDecl(decl('x', ['pattern', str('abc')], ['colour', str('red')]))[0]!.message).toBe('unknown classifier clause "colour"');
    expect(validateClassifierDecl(decl('x', ['ignore_case']))[0]!.message).toBe('classifier "x" needs a pattern or keywords');
    expect(validateClassifierDecl(decl('x', ['pattern', str('abc')], ['keywords', strs(['a'])]))[0]!.message).toMatch(/both pattern and keywords/);
    expect(validateClassifierDecl(decl('x', ['pattern', num('1')]))[0]!.message).toMatch(/pattern expects a string/);
    expect(validateClassifierDecl(decl('x', ['keywords', strs([])]))[0]!.message).toMatch(/non-empty array/);
    expect(validateClassifierDecl(decl('x', ['pattern', str('a+')], ['max_length', num('0')]))[0]!.message).toMatch(/whole number/);
    expect(validateClassifierDecl(decl('x', ['pattern', str('a*')], ['max_length', num('5')]))[0]!.message).toMatch(/empty string/);
    expect(validateClassifierDecl(decl('x', ['pattern', str('a')], ['pattern', str('b')]))[0]!.message).toMatch(/given twice/);
  });

  it('refuses to shadow a built-in classifier, and duplicate declarations', () => {
    expect(validateClassifierDecl(decl('pii.email', ['pattern', str('x@y')]))[0]).toMatchObject({
      code: 'classifier_error',
      message: 'classifier "pii.email" is already a built-in classifier',
    });
    const { set, diagnostics } = compileClassifiers([decl('a', ['pattern', str('a')]), decl('a', ['pattern', str('b')])]);
    expect(diagnostics.map((d) => d.message)).toEqual(['classifier "a" is declared more than once']);
    expect(set.scan('ab', ['a'])).toEqual([{ classifier: 'a', start: 0, end: 1 }]);
  });

  it('keeps invalid declarations out of the set', () => {
    const { set, diagnostics } = compileClassifiers([decl('bad', ['pattern', str('(')])]);
    expect(diagnostics).toHaveLength(1);
    expect(set.has('bad')).toBe(false);
  });

  it('escapes keywords literally and bounds them at word edges only', () => {
    const { set } = compileClassifiers([decl('kw', ['keywords', strs(['a.b', 'c++', '#tag'])])]);
    expect(set.scan('axb a.b c++ x#tag c++d', ['kw']).map((m) => [m.start, m.end])).toEqual([
      [4, 7],
      [8, 11],
      [13, 17],
      [18, 21],
    ]);
  });

  it('runs classic ReDoS patterns as declared classifiers over 100,000 hostile characters', () => {
    const hostile = 'a'.repeat(100_000);
    const { set, diagnostics } = compileClassifiers([
      decl('redos1', ['pattern', str('(a+)+$')], ['max_length', num('65536')]),
      decl('redos2', ['pattern', str('(a|aa)*b')], ['max_length', num('65536')]),
      decl('redos3', ['pattern', str('(\\w+\\s?)*!$')], ['max_length', num('65536')]),
      decl('redos4', ['pattern', str('^(([a-z])+.)+[A-Z]([a-z])+$')], ['max_length', num('65536')]),
    ]);
    expect(diagnostics).toEqual([]);
    const names = ['redos1', 'redos2', 'redos3', 'redos4'];
    // no match: each would take exponential time in a backtracking engine
    expect(set.scan(`${hostile}!`, ['redos1', 'redos2', 'redos4'])).toEqual([]);
    // a match longer than max_length is reported cut at max_length, then the rest
    expect(set.scan(`${hostile}!`, ['redos3'])).toEqual([
      { classifier: 'redos3', start: 0, end: 65_536 },
      { classifier: 'redos3', start: 65_536, end: 100_001 },
    ]);
    const found = set.scan(hostile, names);
    expect(found.filter((m) => m.classifier === 'redos1').map((m) => [m.start, m.end])).toEqual([
      [0, 65_536],
      [65_536, 100_000],
    ]);
    expect(found.filter((m) => m.classifier !== 'redos1')).toEqual([]);
  });
});
