import { describe, expect, it } from 'vitest';
import { call, expectTypeError, obj, set, toJSON } from './helpers.js';

const j = (v: unknown) => toJSON(v as never);

describe('object.get', () => {
  const o = { a: { b: 'c' }, list: [10, { x: 1 }], s: set('m') };
  const cases: Array<[unknown, unknown, unknown]> = [
    ['a', true, { b: 'c' }],
    ['b', true, true],
    [['a', 'b'], 'd', 'c'],
    [['a', 'z'], 'd', 'd'],
    [[], 'd', { a: { b: 'c' }, list: [10, { x: 1 }], s: ['m'] }],
    [['list', 1, 'x'], 0, 1],
    [['list', 5], 0, 0],
    [['list', '1'], 0, 0],
    [['s', 'm'], 0, 'm'],
    [['s', 'q'], 0, 0],
    [['a', 'b', 'c'], 'deep', 'deep'],
  ];
  it.each(cases)('object.get(o, %j, %j) = %j', (key, dflt, want) => {
    expect(j(call('object.get', o, key, dflt))).toEqual(want);
  });
  it('finds non-string keys', () => {
    expect(call('object.get', obj([[1, 'one']]), 1, 'none')).toBe('one');
  });
  it('requires an object', () => {
    expectTypeError('object.get: operand 1 must be object but got array', 'object.get', [], 'a', 1);
  });
});

describe('object key functions', () => {
  const o = { a: 1, b: 2, c: 3 };
  it('keys', () => {
    expect(j(call('object.keys', o))).toEqual(['a', 'b', 'c']);
    expect(j(call('object.keys', {}))).toEqual([]);
  });
  it('remove and filter take arrays, sets or objects of keys', () => {
    expect(j(call('object.remove', o, ['a', 'x']))).toEqual({ b: 2, c: 3 });
    expect(j(call('object.remove', o, set('b')))).toEqual({ a: 1, c: 3 });
    expect(j(call('object.remove', o, { c: 0 }))).toEqual({ a: 1, b: 2 });
    expect(j(call('object.filter', o, ['a', 'x']))).toEqual({ a: 1 });
    expect(j(call('object.filter', o, set()))).toEqual({});
    expectTypeError('object.remove: operand 2 must be one of {object, set, array} but got string', 'object.remove', o, 'a');
    expectTypeError('object.filter: operand 1 must be object but got set', 'object.filter', set(), []);
  });
});

describe('object.union', () => {
  it('merges recursively, right side winning', () => {
    expect(j(call('object.union', { a: 1, b: { c: 1, d: 1 } }, { b: { d: 2, e: 2 }, f: 3 }))).toEqual({
      a: 1,
      b: { c: 1, d: 2, e: 2 },
      f: 3,
    });
    expect(j(call('object.union', { a: { b: 1 } }, { a: 4 }))).toEqual({ a: 4 });
  });
  it('union_n folds left to right', () => {
    expect(j(call('object.union_n', [{ a: { b: 2 } }, { a: 4 }, { a: { c: 3 } }]))).toEqual({ a: { c: 3 } });
    expect(j(call('object.union_n', [{ foo: 4 }, { baz: 5 }]))).toEqual({ foo: 4, baz: 5 });
    expect(j(call('object.union_n', []))).toEqual({});
    expectTypeError('object.union_n: operand 1 must be array of objects but got array containing number', 'object.union_n', [{}, 1]);
  });
  it('does not mutate its operands', () => {
    const a = obj([['x', obj([['y', 1]])]]);
    call('object.union', a, obj([['x', obj([['z', 2]])]]));
    expect(j(a)).toEqual({ x: { y: 1 } });
  });
});

describe('object.subset', () => {
  const cases: Array<[unknown, unknown, boolean]> = [
    [{ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } }, true],
    [{ a: 1 }, { a: 2 }, false],
    [{ a: 1 }, { z: 1 }, false],
    [{ a: set(1, 2, 3) }, { a: set(1, 3) }, true],
    [{ a: [1, 2, 3, 4] }, { a: [2, 3] }, true],
    [{ a: [1, 2, 3, 4] }, { a: [2, 4] }, false],
    [set(1, 2), set(2), true],
    [[1, 2, 3], [1, 2, 3], true],
    [[1, 2], [1, 2, 3], false],
    [[1, 2, 3], set(3, 1), true],
    [[1, 2, 3], set(3, 9), false],
    [[1], set(), true],
  ];
  it.each(cases)('object.subset(%j, %j) = %j', (sup, sub, want) => {
    expect(call('object.subset', sup, sub)).toBe(want);
  });
  it('rejects mixed types', () => {
    expectTypeError('both arguments object.subset must be of the same type or array and set', 'object.subset', {}, []);
  });
});

describe('json.filter and json.remove', () => {
  const doc = { a: { b: { c: 7, d: 8 }, e: 9 }, f: [0, { g: 1, h: 2 }], s: set('x', 'y') };
  it('filter keeps the listed paths', () => {
    expect(j(call('json.filter', doc, ['a/b/c', '/f/1/g']))).toEqual({ a: { b: { c: 7 } }, f: [{ g: 1 }] });
    expect(j(call('json.filter', doc, [['a', 'e']]))).toEqual({ a: { e: 9 } });
    expect(j(call('json.filter', doc, set('s/x')))).toEqual({ s: ['x'] });
    expect(j(call('json.filter', { 'a/b': 1, 'c~d': 2 }, ['a~1b', 'c~0d']))).toEqual({ 'a/b': 1, 'c~d': 2 });
  });
  it('remove drops the listed paths, shifting arrays', () => {
    expect(j(call('json.remove', doc, ['a/b', 'f/0', 's/y']))).toEqual({ a: { e: 9 }, f: [{ g: 1, h: 2 }], s: ['x'] });
    expect(j(call('json.remove', doc, []))).toEqual(j(call('json.filter', doc, ['a', 'f', 's'])));
  });
  it('report bad paths', () => {
    expectTypeError('json.filter: operand 2 must be one of {set, array} but got string', 'json.filter', doc, 'a');
    expectTypeError('containing string paths or array of path segments but got number', 'json.remove', doc, [1]);
  });
});
