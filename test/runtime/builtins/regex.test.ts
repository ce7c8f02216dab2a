import { describe, expect, it } from 'vitest';
import { call, expectBuiltinError, expectTypeError } from './helpers.js';

type Case = [string, unknown[], unknown];

const cases: Case[] = [
  ['regex.match', ['^[a-z]+\\[[0-9]+\\]$', 'foo[1]'], true],
  ['regex.match', ['b', 'abc'], true],
  ['regex.match', ['^b', 'abc'], false],
  ['regex.match', ['(?i)ABC', 'xabcx'], true],
  ['regex.match', ['\\pL+', 'ж'], true],
  ['regex.is_valid', ['[a-z]+'], true],
  ['regex.is_valid', ['['], false],
  ['regex.is_valid', ['(?=x)'], false],
  ['regex.is_valid', [1], false],
  ['regex.split', ['^[a-z]+\\[[0-9]+\\]$', ''], ['']],
  ['regex.split', ['^[a-z]+', 'foobar baz'], ['', ' baz']],
  ['regex.split', ['[a-z]+$', 'foobar baz'], ['foobar ', '']],
  ['regex.split', ['^[a-z]+$', 'foobar baz'], ['foobar baz']],
  ['regex.split', ['^[a-z ]+$', 'foobar baz'], ['', '']],
  ['regex.split', ['a', 'banana'], ['b', 'n', 'n', '']],
  ['regex.split', ['z+', 'pizza'], ['pi', 'a']],
  ['regex.split', ['', 'abc'], ['a', 'b', 'c']],
  ['regex.find_n', ['a.', 'paranormal', -1], ['ar', 'an', 'al']],
  ['regex.find_n', ['a.', 'paranormal', 2], ['ar', 'an']],
  ['regex.find_n', ['a.', 'paranormal', 0], []],
  ['regex.find_n', ['x*', 'abc', -1], ['', '', '', '']],
  ['regex.find_n', ['.', 'a\u{1f600}', -1], ['a', '\u{1f600}']],
  ['regex.find_all_string_submatch_n', ['a(x*)b(y)?', '-ab-axxb-aby-', -1], [['ab', '', ''], ['axxb', 'xx', ''], ['aby', '', 'y']]],
  ['regex.find_all_string_submatch_n', ['a(x*)b', '-ab-axxb-', 1], [['ab', '']]],
  ['regex.replace', ['-wy-wxxy-', 'w(x*)y', '0'], '-0-0-'],
  ['regex.replace', ['foo', '(foo)', '$1$1'], 'foofoo'],
  ['regex.replace', ['foo', '(?P<w>o+)', '[${w}]'], 'f[oo]'],
  ['regex.replace', ['foo', '(o)', '$1x'], 'f'],
  ['regex.replace', ['foo', '(o)', '${1}x'], 'foxox'],
  ['regex.replace', ['a.b', '\\.', '$$'], 'a$b'],
  ['regex.replace', ['abc', 'x*', '-'], '-a-b-c-'],
  ['regex.replace', ['abc', 'z', '-'], 'abc'],
  ['regex.template_match', ['urn:foo:{.*}', 'urn:foo:bar:baz', '{', '}'], true],
  ['regex.template_match', ['urn:foo.bar.com:{.*}', 'urn:foo@bar:com:baz', '{', '}'], false],
  ['regex.template_match', ['urn:foo:<[0-9]{2}>', 'urn:foo:42', '<', '>'], true],
  ['regex.template_match', ['urn:foo:<[0-9]{2}>', 'urn:foo:423', '<', '>'], false],
];

describe('regex builtins', () => {
  it.each(cases)('%s(%j) = %j', (name, args, want) => {
    expect(call(name, ...args)).toEqual(want);
  });

  it('report invalid patterns as builtin errors with RE2 messages', () => {
    expectBuiltinError('regex.match: error parsing regexp: missing closing ]', 'regex.match', '[', 'a');
    expectBuiltinError('regex.replace: error parsing regexp', 'regex.replace', 'foo', '[', '$1');
    expectBuiltinError('regex.split: error parsing regexp', 'regex.split', '(', 'a');
    expectBuiltinError('unbalanced braces', 'regex.template_match', 'urn:{.*', 'urn:x', '{', '}');
    expectBuiltinError('start delimiter has to be exactly one character long but is 2 long', 'regex.template_match', 'a', 'a', '{{', '}');
  });

  it('reject lookarounds and backreferences (RE2 syntax)', () => {
    expectBuiltinError('error parsing regexp', 'regex.match', '(?<=a)b', 'ab');
    expectBuiltinError('error parsing regexp', 'regex.match', '(a)\\1', 'aa');
  });

  it('report operand types', () => {
    expectTypeError('regex.match: operand 2 must be string but got number', 'regex.match', 'a', 1);
    expectTypeError('regex.find_n: operand 3 must be integer number but got floating-point number', 'regex.find_n', 'a', 'a', 1.5);
  });

  it('match a classic catastrophic-backtracking pattern in linear time', () => {
    const text = 'a'.repeat(20_000) + '!';
    expect(call('regex.match', '^(a+)+$', text)).toBe(false);
  });

  it('keep working past the cache bound', () => {
    for (let i = 0; i < 300; i++) expect(call('regex.match', `^x${i}$`, `x${i}`)).toBe(true);
  });
});
