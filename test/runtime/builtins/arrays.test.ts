import { describe, expect, it } from 'vitest';
import { call, expectTypeError, toJSON } from './helpers.js';

describe('array functions', () => {
  it('concat', () => {
    expect(call('array.concat', [1, 2], [3, 4])).toEqual([1, 2, 3, 4]);
    expect(call('array.concat', [], [])).toEqual([]);
    expectTypeError('array.concat: operand 1 must be array but got object', 'array.concat', { v1: 'hello' }, [3, 4]);
    expectTypeError('array.concat: operand 2 must be array but got object', 'array.concat', [1], { v1: 'hello' });
  });

  const slices: Array<[unknown[], number, number, unknown[]]> = [
    [[1, 2, 3, 4, 5], 1, 3, [2, 3]],
    [[1, 2, 3], 0, 0, []],
    [[1, 2, 3, 4, 5], -4, -1, []],
    [[1, 2, 3], -5, 2, [1, 2]],
    [[1, 2, 3], 1, 100, [2, 3]],
    [[1, 2, 3], 3, 1, []],
  ];
  it.each(slices)('slice(%j, %d, %d) = %j', (a, start, stop, want) => {
    expect(call('array.slice', a, start, stop)).toEqual(want);
  });
  it('slice requires integer bounds', () => {
    expectTypeError('array.slice: operand 2 must be integer number but got floating-point number', 'array.slice', [1], 0.5, 1);
  });

  it('reverse', () => {
    expect(call('array.reverse', [1, [2], 'x'])).toEqual(['x', [2], 1]);
    expect(call('array.reverse', [])).toEqual([]);
    expectTypeError('array.reverse: operand 1 must be array but got string', 'array.reverse', 'abc');
  });

  const flatten: Array<[unknown[], unknown[]]> = [
    [[], []],
    [[[1, 2], [3, 4], [5]], [1, 2, 3, 4, 5]],
    [[[[1], [2, 3, []]], [[4, 5]]], [[1], [2, 3, []], [4, 5]]],
    [[[1, 2], 'string', [3, { a: 'b' }], 4.5, [6, [7, 8]]], [1, 2, 'string', 3, { a: 'b' }, 4.5, 6, [7, 8]]],
    [[[1]], [1]],
  ];
  it.each(flatten)('flatten(%j) = %j', (a, want) => {
    expect(toJSON(call('array.flatten', a)!)).toEqual(want);
  });
  it('flatten type error', () => {
    expectTypeError('array.flatten: operand 1 must be array but got number', 'array.flatten', 42);
  });
});
