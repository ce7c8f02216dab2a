import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  canonical,
  compare,
  equals,
  fromJSON,
  RObject,
  RSet,
  toJSON,
  toRegoString,
  typeOf,
  type Value,
} from '../../src/runtime/value.js';

const set = (...xs: Value[]) => RSet.from(xs);
const obj = (...kv: Array<[Value, Value]>) => RObject.from(kv);

describe('values', () => {
  it('orders types as OPA does: null < boolean < number < string < array < object < set', () => {
    const ordered: Value[] = [null, false, true, -1, 0, 2.5, 'a', 'b', [], [1], obj(), obj(['a', 1]), set(), set(1)];
    for (let i = 0; i < ordered.length; i++)
      for (let j = 0; j < ordered.length; j++)
        expect(Math.sign(compare(ordered[i]!, ordered[j]!)), `${toRegoString(ordered[i]!)} vs ${toRegoString(ordered[j]!)}`).toBe(Math.sign(i - j));
  });

  it('compares strings by code point, not UTF-16 unit', () => {
    // U+FF5E (one unit, 0xFF5E) sorts before U+1F600 (surrogates 0xD83D...) by code point
    expect(compare('\uff5e', '\u{1f600}')).toBeLessThan(0);
  });

  it('treats sets and objects as equal regardless of insertion order, with keys of any type', () => {
    expect(equals(set(1, 'a', [2]), set([2], 'a', 1))).toBe(true);
    expect(equals(obj([[1, 2], 'x'], ['k', set(1)]), obj(['k', set(1)], [[1, 2], 'x']))).toBe(true);
    expect(equals(obj(['a', 1]), obj(['a', 2]))).toBe(false);
    expect(equals([1, 2], set(1, 2))).toBe(false);
    expect(obj([[1, 2], 'x']).get([1, 2])).toBe('x');
    expect(set(obj(['a', 1])).has(obj(['a', 1]))).toBe(true);
  });

  it('never lets a string collide with a composite key', () => {
    const s = set(canonical([1, 2]), '[1,2]');
    expect(s.has([1, 2])).toBe(false);
    s.add([1, 2]);
    expect(s.size).toBe(2);
  });

  it('gives equal canonical text exactly for equal values (property)', () => {
    const json = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer({ min: -5, max: 5 }), fc.constantFrom('a', 'b', ''), tie('arr'), tie('obj')),
      arr: fc.array(tie('v'), { maxLength: 3 }),
      obj: fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('v'), { maxKeys: 3 }),
    })).v;
    fc.assert(
      fc.property(json, json, (a, b) => {
        const va = fromJSON(a);
        const vb = fromJSON(b);
        expect(canonical(va) === canonical(vb)).toBe(equals(va, vb));
        expect(compare(va, vb) === 0).toBe(equals(va, vb));
      }),
      { numRuns: 300 },
    );
  });

  it('invalidates a cached canonical text when a fresh object is still being built', () => {
    const o = obj(['a', 1]);
    const before = canonical(o);
    o.set('b', 2);
    expect(canonical(o)).not.toBe(before);
    expect(canonical(o)).toBe(canonical(obj(['b', 2], ['a', 1])));
  });

  it('converts to JSON with sorted keys, sets as sorted arrays and JSON-encoded non-string keys', () => {
    expect(toJSON(obj(['b', set(3, 1)], ['a', null], [[1], true]))).toEqual({ a: null, b: [1, 3], '[1]': true });
    expect(typeOf(fromJSON({ x: [1] }))).toBe('object');
  });

  it('prints values in Rego syntax', () => {
    expect(toRegoString(obj(['a', set(2, 1)], ['b', 'x']))).toBe('{"a": {1, 2}, "b": "x"}');
    expect(toRegoString(set())).toBe('set()');
    expect(toRegoString(1.5)).toBe('1.5');
  });
});
