import { describe, expect, it } from 'vitest';
import { equals, fromJSON, hashValue, RObject, RSet, type Value } from '../../src/runtime/value.js';

// Composite keys of sets and objects are stored by structural hash (value.ts,
// ValueMap): equal values must meet whatever order or identity they were built with.

describe('composite keys', () => {
  it('hash equal values equally, whatever their insertion order', () => {
    const a = RObject.from([['x', 1], ['y', [true, null]]]);
    const b = RObject.from([['y', [true, null]], ['x', 1]]);
    expect(hashValue(a)).toBe(hashValue(b));
    expect(hashValue(RSet.from([1, 'a', a]))).toBe(hashValue(RSet.from([b, 'a', 1])));
    expect(hashValue(1)).toBe(hashValue(1.0));
    expect(hashValue(fromJSON({ x: 1 }))).not.toBe(hashValue(fromJSON({ x: 2 })));
  });

  it('find, dedupe and delete many distinct composite members', () => {
    const s = new RSet();
    for (let i = 0; i < 300; i++) {
      expect(s.add(fromJSON({ i, tag: ['t', i % 7] }))).toBe(true);
      expect(s.add([i, 'x'])).toBe(true);
    }
    for (let i = 0; i < 300; i++) expect(s.add(fromJSON({ tag: ['t', i % 7], i }))).toBe(false);
    expect(s.size).toBe(600);
    expect(s.has(fromJSON({ i: 42, tag: ['t', 0] }))).toBe(true);
    expect(s.has(fromJSON({ i: 42, tag: ['t', 1] }))).toBe(false);
    expect([...s.values()].filter((v) => Array.isArray(v))).toHaveLength(300);
  });

  it('keep object keys that are composite apart and replace equal ones', () => {
    const o = new RObject();
    o.set([1, 2], 'a');
    o.set(RSet.from([1, 2]), 'b');
    o.set([1, 2], 'c');
    expect(o.size).toBe(2);
    expect(o.get([1, 2])).toBe('c');
    expect(o.get(RSet.from([2, 1]))).toBe('b');
    o.delete([1, 2]);
    expect(o.get([1, 2])).toBeUndefined();
    expect(o.size).toBe(1);
  });

  it('see a mutation of a fresh object in its hash', () => {
    const o = fromJSON({ a: 1 }) as RObject;
    const before = hashValue(o);
    o.set('b', 2);
    expect(hashValue(o)).not.toBe(before);
    const same: Value = fromJSON({ a: 1, b: 2 });
    expect(equals(o, same)).toBe(true);
    expect(hashValue(o)).toBe(hashValue(same));
  });
});
