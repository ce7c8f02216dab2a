import { describe, expect, it } from 'vitest';
import { gateLexer } from '../../grammar/lexer.js';

function kinds(text: string): Array<[string, string]> {
  const r = gateLexer.tokenize(text);
  expect(r.errors).toEqual([]);
  return r.tokens.map((t) => [t.tokenType.name, t.image]);
}

describe('lexer', () => {
  it('tells keywords from identifiers that start with them', () => {
    expect(kinds('in inx if iff contains contains_x not note some someone every everyone with without as ask')).toEqual([
      ['In', 'in'],
      ['Ident', 'inx'],
      ['If', 'if'],
      ['Ident', 'iff'],
      ['Contains', 'contains'],
      ['Ident', 'contains_x'],
      ['Not', 'not'],
      ['Ident', 'note'],
      ['Some', 'some'],
      ['Ident', 'someone'],
      ['Every', 'every'],
      ['Ident', 'everyone'],
      ['With', 'with'],
      ['Ident', 'without'],
      ['As', 'as'],
      ['Ident', 'ask'],
    ]);
  });

  it('keeps classifier clause words as identifiers', () => {
    expect(kinds('classifier pattern keywords validate context ignore_case max_length classifiers').map(([k]) => k)).toEqual([
      'Classifier',
      'Ident',
      'Ident',
      'Ident',
      'Ident',
      'Ident',
      'Ident',
      'Ident',
    ]);
  });

  it('lexes numbers, strings and raw strings', () => {
    expect(kinds('0 12 3.5 1e10 2.5E-3 .5 "a\\"b" `x\ny` "\\u00e9"')).toEqual([
      ['Number', '0'],
      ['Number', '12'],
      ['Number', '3.5'],
      ['Number', '1e10'],
      ['Number', '2.5E-3'],
      ['Number', '.5'],
      ['QuotedString', '"a\\"b"'],
      ['RawString', '`x\ny`'],
      ['QuotedString', '"\\u00e9"'],
    ]);
  });

  it('marks unterminated and single-quoted strings instead of failing', () => {
    expect(kinds('"abc\n`def').map(([k]) => k)).toEqual(['UnterminatedString', 'UnterminatedRawString']);
    expect(kinds("'x'").map(([k]) => k)).toEqual(['SingleQuotedString']);
  });

  it('lexes every operator, longest first', () => {
    expect(kinds(':= : == = != <= < >= > + - * / % & | , ; . [ ] { } ( )').map(([k]) => k)).toEqual([
      'Assign', 'Colon', 'Eq', 'Unify', 'Neq', 'Lte', 'Lt', 'Gte', 'Gt', 'Plus', 'Minus', 'Star', 'Slash', 'Percent', 'Amp', 'Bar',
      'Comma', 'Semi', 'Dot', 'LBrack', 'RBrack', 'LCurly', 'RCurly', 'LParen', 'RParen',
    ]);
  });

  it('collects comments apart from tokens', () => {
    const r = gateLexer.tokenize('x := 1 # one\n# two\ny');
    expect(r.tokens.map((t) => t.image)).toEqual(['x', ':=', '1', 'y']);
    expect(r.groups.comments!.map((c) => [c.image, c.startLine, c.startColumn])).toEqual([
      ['# one', 1, 8],
      ['# two', 2, 1],
    ]);
  });

  it('tracks lines and columns across multi-line raw strings', () => {
    const r = gateLexer.tokenize('a `b\nc` d');
    const d = r.tokens[2]!;
    expect([d.image, d.startLine, d.startColumn]).toEqual(['d', 2, 4]);
    expect([r.tokens[1]!.endLine, r.tokens[1]!.endColumn]).toEqual([2, 2]);
  });

  it('reports characters that start no token', () => {
    const r = gateLexer.tokenize('a @ b ^');
    expect(r.errors.map((e) => [e.offset, e.line, e.column])).toEqual([
      [2, 1, 3],
      [6, 1, 7],
    ]);
    expect(r.tokens.map((t) => t.image)).toEqual(['a', 'b']);
  });
});
