import { describe, expect, it } from 'vitest';
import { call, expectBuiltinError, expectTypeError, obj, set, toJSON } from './helpers.js';

describe('count', () => {
  const cases: Array<[unknown, number]> = [
    [[1, 2, 3, 4], 4],
    [[], 0],
    [{ v1: 'hello', v2: 'goodbye' }, 2],
    [set(1, 2, 2), 2],
    ['', 0],
    ['héllo', 5],
    ['\u{1f600}\u{1f607}', 2],
  ];
  it.each(cases)('count(%j) = %d', (x, want) => {
    expect(call('count', x)).toBe(want);
  });
  it('rejects scalars other than strings', () => {
    expectTypeError('count: operand 1 must be one of {array, object, set, string} but got number', 'count', 1);
  });
});

describe('sum and product', () => {
  it('folds arrays and sets', () => {
    expect(call('sum', set(1, 2, 3, 4))).toBe(10);
    expect(call('sum', [1, 2.5])).toBe(3.5);
    expect(call('sum', [1.5, 2.5])).toBe(4);
    expect(call('sum', [])).toBe(0);
    expect(call('product', set(1, 2, 3, 4))).toBe(24);
    expect(call('product', [1.5, 2])).toBe(3);
    expect(call('product', [])).toBe(1);
  });
  it('reports element and operand types', () => {
    expectTypeError('sum: operand 1 must be array of numbers but got array containing string', 'sum', [1, 'a']);
    expectTypeError('product: operand 1 must be set of numbers but got set containing null', 'product', set(1, null));
    expectTypeError('sum: operand 1 must be one of {set, array} but got object', 'sum', {});
  });
  it('fails on overflow instead of returning Infinity', () => {
    expectBuiltinError('out of range', 'product', [1e200, 1e200]);
  });
});

describe('max, min and sort', () => {
  it('use the Rego order across types', () => {
    expect(call('max', set(1, 2, 3, 4))).toBe(4);
    expect(call('min', [3, 2, 1, 4, 6, -7, 10])).toBe(-7);
    expect(call('max', [1, 'a', null])).toBe('a');
    expect(call('min', [1, 'a', null])).toBe(null);
    expect(call('sort', [4, 3, 2, 1])).toEqual([1, 2, 3, 4]);
    expect(toJSON(call('sort', set('b', 1, [0], 'a'))!)).toEqual([1, 'a', 'b', [0]]);
  });
  it('are undefined on empty collections', () => {
    expect(call('max', [])).toBeUndefined();
    expect(call('min', set())).toBeUndefined();
    expect(call('sort', [])).toEqual([]);
  });
  it('reject non-collections', () => {
    expectTypeError('max: operand 1 must be one of {set, array} but got string', 'max', 'abc');
    expectTypeError('sort: operand 1 must be one of {set, array} but got object', 'sort', obj([]));
  });
  it('does not mutate its argument', () => {
    const xs = [3, 1, 2];
    call('sort', xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});
