import { describe, expect, it } from 'vitest';
import { call, expectBuiltinError, expectTypeError, obj, set } from './helpers.js';

type Case = [string, unknown[], unknown];

const cases: Case[] = [
  ['concat', ['/', ['', 'foo', 'bar', '0', 'baz']], '/foo/bar/0/baz'],
  ['concat', [',', set('b', 'a', 'c')], 'a,b,c'],
  ['concat', ['-', []], ''],
  ['contains', ['abcdefgh', 'defg'], true],
  ['contains', ['abc', ''], true],
  ['contains', ['abc', 'x'], false],
  ['startswith', ['abcdefgh', 'abcd'], true],
  ['endswith', ['abcdefgh', 'fgh'], true],
  ['endswith', ['abc', 'abcd'], false],
  ['lower', ['AbCdEf'], 'abcdef'],
  ['upper', ['AbCdEf'], 'ABCDEF'],
  ['upper', ['straße'], 'STRAßE'],
  ['lower', ['İSTANBUL ΣΑΣ'], 'istanbul σασ'],
  ['split', ['foo.bar.baz', '.'], ['foo', 'bar', 'baz']],
  ['split', ['', '.'], ['']],
  ['split', ['test', ''], ['t', 'e', 's', 't']],
  ['split', ['', ''], []],
  ['split', ['a\u{1f600}b', ''], ['a', '\u{1f600}', 'b']],
  ['strings.split_n', ['a.b.c.d', '.', 2], ['a', 'b.c.d']],
  ['strings.split_n', ['a.b', '.', 5], ['a', 'b']],
  ['strings.split_n', ['a.b.c', '.', -1], ['c']],
  ['strings.split_n', ['a;b;c;d', ';', -2], ['c', 'd']],
  ['strings.split_n', ['a.b', '.', -5], ['a', 'b']],
  ['strings.split_n', ['a.b.c', '.', 0], []],
  ['strings.split_n', ['a.b.c', '.', 1], ['a.b.c']],
  ['strings.split_n', ['abc', '.', 2], ['abc']],
  ['strings.split_n', ['', '.', 2], ['']],
  ['strings.split_n', ['abc', '', 2], ['a', 'bc']],
  ['strings.split_n', ['a::b::c::d', '::', 3], ['a', 'b', 'c::d']],
  ['replace', ['foo.bar.baz', '.', ','], 'foo,bar,baz'],
  ['replace', ['foo...bar', '..', ',,'], 'foo,,.bar'],
  ['replace', ['ab', '', '-'], '-a-b-'],
  ['replace', ['a\u{1f600}', '', '-'], '-a-\u{1f600}-'],
  ['strings.reverse', ['abc\u{1f600}'], '\u{1f600}cba'],
  ['strings.count', ['cheese', 'e'], 3],
  ['strings.count', ['hello hello hello world', 'hello'], 3],
  ['strings.count', ['dummy', 'x'], 0],
  ['strings.count', ['dummy', ''], 6],
  ['strings.count', ['', ''], 1],
  ['strings.count', ['', 'x'], 0],
  ['strings.count', ['11111', '11'], 2],
  ['strings.count', ['11111', '11111'], 1],
  ['indexof', ['μx', 'x'], 1],
  ['indexof', ['μ', 'μμ'], -1],
  ['indexof', ['skön var våren', 'vår'], 9],
  ['indexof', ['\u{1f367}\u{1f368}\u{1f9c1}\u{1f370}\u{1f36e}', '\u{1f36e}'], 4],
  ['indexof', ['abc', 'c'], 2],
  ['indexof_n', ['dogcatdogcat', 'cat'], [3, 9]],
  ['indexof_n', ['dogcat', 'rabbit'], []],
  ['indexof_n', ['aaa', 'aa'], [0, 1]],
  ['indexof_n', ['\u{1f607}\u{1f600}\u{1f607}\u{1f600}\u{1f607}\u{1f600}', '\u{1f600}'], [1, 3, 5]],
  ['substring', ['abcdefgh', 2, -1], 'cdefgh'],
  ['substring', ['aåäö', 2, -1], 'äö'],
  ['substring', ['abcdefgh', 2, 10000], 'cdefgh'],
  ['substring', ['abcdefghåäö', 2, 10000], 'cdefghåäö'],
  ['substring', ['aaa', 4, -1], ''],
  ['substring', ['åäö', 4, -1], ''],
  ['substring', ['a\u{1f600}bc', 1, 2], '\u{1f600}b'],
  ['substring', ['', 0, 3], ''],
  ['trim', ['', '.'], ''],
  ['trim', ['...foo.bar', '.'], 'foo.bar'],
  ['trim', ['...foo.bar...', '.o'], 'foo.bar'],
  ['trim', ['¡¡¡foo, bar!!!', 'i'], '¡¡¡foo, bar!!!'],
  ['trim', ['¡¡¡foo, bar!!!', '¡!'], 'foo, bar'],
  ['trim_left', ['..a..', '.'], 'a..'],
  ['trim_right', ['..a..', '.'], '..a'],
  ['trim_prefix', ['foo.bar', 'foo.'], 'bar'],
  ['trim_prefix', ['foo.bar', 'bar'], 'foo.bar'],
  ['trim_suffix', ['foo.bar', '.bar'], 'foo'],
  ['trim_suffix', ['foo', ''], 'foo'],
  ['trim_space', ['\t\n hi \u00a0\u3000'], 'hi'],
  ['trim_space', ['\ufeffhi'], '\ufeffhi'],
  ['format_int', [15.5, 16], 'f'],
  ['format_int', [3.1, 10], '3'],
  ['format_int', [-15, 2], '-1111'],
  ['format_int', [8, 8], '10'],
  ['format_int', [2 ** 60, 16], '1000000000000000'],
];

describe('string functions', () => {
  it.each(cases)('%s(%j) = %j', (name, args, want) => {
    expect(call(name, ...args)).toEqual(want);
  });

  it('report operand types with OPA wording', () => {
    expectTypeError('contains: operand 2 must be string but got number', 'contains', 'a', 1);
    expectTypeError('concat: operand 2 must be one of {set, array} but got string', 'concat', ',', 'ab');
    expectTypeError('concat: operand 2 must be array of strings but got array containing number', 'concat', ',', ['a', 1]);
    expectTypeError('substring: operand 2 must be integer number but got floating-point number', 'substring', 'abc', 1.5, 1);
    expectTypeError('format_int: operand 2 must be one of {2, 8, 10, 16}', 'format_int', 1, 3);
    expectTypeError('upper: operand 1 must be string but got null', 'upper', null);
  });

  it('indexes every occurrence in long non-ASCII text', () => {
    const text = 'é'.repeat(50_000);
    const got = call('indexof_n', text, 'é') as number[];
    expect(got.length).toBe(50_000);
    expect(got[49_999]).toBe(49_999);
  });

  it('report failures as builtin errors', () => {
    expectBuiltinError('substring: negative offset', 'substring', 'abc', -1, 1);
    expectBuiltinError('indexof: empty search character', 'indexof', 'abc', '');
    expectBuiltinError('indexof_n: empty search character', 'indexof_n', 'abc', '');
  });
});

describe('strings.replace_n', () => {
  it('replaces in one pass, earlier (sorted) keys winning ties', () => {
    expect(call('strings.replace_n', { a: '1', b: '2' }, 'abcab')).toBe('12c12');
    expect(call('strings.replace_n', { ab: 'X', a: 'Y' }, 'abc')).toBe('Yb' + 'c');
    expect(call('strings.replace_n', { a: 'b', b: 'a' }, 'ab')).toBe('ba');
    expect(call('strings.replace_n', {}, 'ab')).toBe('ab');
  });
  it('requires string keys and values', () => {
    expectTypeError('strings.replace_n: operand 1 non-string key found in pattern object', 'strings.replace_n', obj([[1, 'x']]), 'a');
    expectTypeError('operand 1 non-string value found in pattern object', 'strings.replace_n', { a: 1 }, 'a');
  });
});

describe('strings.any_prefix_match and any_suffix_match', () => {
  const strs = ['a/b/c', 'a/b/d', 'e/f/g'];
  it('accept strings, arrays and sets on both sides', () => {
    expect(call('strings.any_prefix_match', strs, ['a/', 'd/'])).toBe(true);
    expect(call('strings.any_prefix_match', strs, ['f/', 'd/'])).toBe(false);
    expect(call('strings.any_prefix_match', 'a/b/c', 'a/')).toBe(true);
    expect(call('strings.any_prefix_match', set(...strs), set('e/f/g'))).toBe(true);
    expect(call('strings.any_prefix_match', [], ['a'])).toBe(false);
    expect(call('strings.any_suffix_match', strs, ['/c', '/a'])).toBe(true);
    expect(call('strings.any_suffix_match', strs, ['b/c', 'f/g'])).toBe(true);
    expect(call('strings.any_suffix_match', strs, ['/f'])).toBe(false);
  });
  it('report OPA type errors', () => {
    expectTypeError(
      'strings.any_prefix_match: operand 1 must be array of strings but got array containing number',
      'strings.any_prefix_match',
      [1, 2],
      ['a'],
    );
    expectTypeError(
      'strings.any_suffix_match: operand 2 must be one of {string, set, array} but got number',
      'strings.any_suffix_match',
      strs,
      1,
    );
  });
});
