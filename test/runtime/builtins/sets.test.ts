import { describe, expect, it } from 'vitest';
import { call, expectTypeError, set, toJSON } from './helpers.js';

const sorted = (v: unknown) => toJSON(v as never);

describe('set operators', () => {
  it('and / or', () => {
    expect(sorted(call('and', set(1, 2, 3), set(2, 3, 4)))).toEqual([2, 3]);
    expect(sorted(call('and', set(1), set()))).toEqual([]);
    expect(sorted(call('or', set(3, 2), set(3, 4, 3)))).toEqual([2, 3, 4]);
    expect(sorted(call('or', set([1]), set([1])))).toEqual([[1]]);
  });
  it('do not mutate their operands', () => {
    const a = set(1);
    call('or', a, set(2));
    expect(a.size).toBe(1);
  });
  it('require sets', () => {
    expectTypeError('and: operand 2 must be set but got array', 'and', set(1), [1]);
    expectTypeError('or: operand 1 must be set but got number', 'or', 1, set());
  });
});

describe('intersection and union', () => {
  it('combine a set of sets', () => {
    expect(sorted(call('intersection', set(set(1, 2, 3), set(2, 3), set(3, 2, 9))))).toEqual([2, 3]);
    expect(sorted(call('intersection', set()))).toEqual([]);
    expect(sorted(call('union', set(set(1), set(2, 3), set())))).toEqual([1, 2, 3]);
    expect(sorted(call('union', set()))).toEqual([]);
  });
  it('require sets of sets', () => {
    expectTypeError('intersection: operand 1 must be set but got number', 'intersection', set(1));
    expectTypeError('union: operand 1 must be set but got string', 'union', set(set(), 'x'));
    expectTypeError('union: operand 1 must be set but got array', 'union', [set(1)]);
  });
});
