import { describe, expect, it } from 'vitest';
import { call, obj, set } from './helpers.js';

describe('comparison operators', () => {
  const cases: Array<[string, unknown, unknown, boolean]> = [
    ['equal', 1, 1.0, true],
    ['equal', [1, { a: 2 }], [1, { a: 2 }], true],
    ['equal', 'a', 'b', false],
    ['neq', 1, '1', true],
    ['lt', null, false, true],
    ['lt', false, 0, true],
    ['lt', 99, 'a', true],
    ['lt', 'a', [], true],
    ['lt', [], {}, true],
    ['lt', {}, set(), true],
    ['lt', 3, 3.5, true],
    ['lte', 2, 2, true],
    ['gt', 'b', 'a', true],
    ['gt', [1, 2], [1], true],
    ['gte', -0.001, 0, false],
    // Code point order, not UTF-16 unit order: U+FF5E sorts before U+1F600.
    ['lt', '\uff5e', '\u{1f600}', true],
  ];
  it.each(cases)('%s(%j, %j) = %j', (name, a, b, want) => {
    expect(call(name, a, b)).toBe(want);
  });
  it('compares sets and objects structurally', () => {
    expect(call('equal', set(1, 2), set(2, 1))).toBe(true);
    expect(call('equal', obj([[1, 'a']]), obj([['1', 'a']]))).toBe(false);
  });
});

describe('membership', () => {
  const member2: Array<[unknown, unknown, boolean]> = [
    [1, set(1), true],
    [1, [1], true],
    [1, { foo: 1 }, true],
    ['foo', { foo: 1 }, false],
    [1, [2], false],
    [{ foo: { baz: 2000 } }, [{ foo: { baz: 2000 } }], true],
    [1, 'foo', false],
    ['foo', 1, false],
    [1, null, false],
  ];
  it.each(member2)('internal.member_2(%j, %j) = %j', (x, coll, want) => {
    expect(call('internal.member_2', x, coll)).toBe(want);
  });
  const member3: Array<[unknown, unknown, unknown, boolean]> = [
    ['foo', 1, { foo: 1 }, true],
    ['foo', 2, { foo: 1 }, false],
    [1, 'two', ['one', 'two', 'three'], true],
    [1.5, 'two', ['one', 'two'], false],
    [5, 'two', ['one', 'two'], false],
    [-1, 'two', ['one', 'two'], false],
    [1, 1, set(1), true],
    [1, 2, set(1), false],
    [1, 'foo', 1, false],
  ];
  it.each(member3)('internal.member_3(%j, %j, %j) = %j', (k, v, coll, want) => {
    expect(call('internal.member_3', k, v, coll)).toBe(want);
  });
});
