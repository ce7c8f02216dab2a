import { describe, expect, it } from 'vitest';
import { fromJSON, RObject, RSet } from '../../src/runtime/value.js';
import { evalJSON, policy } from './helpers.js';

// What one evaluation reuses from another or within itself: the members of a set's
// pure definitions (built once per data document, copied per request), the last call
// of a function, and sets of a few objects compared without hashing.

describe('the pure members of a partial set', () => {
  const src = [
    'package t',
    'pure_names := {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"}',
    'marks contains {"name": n, "kind": "pure"} if some n in pure_names',
    'marks contains {"name": "x", "kind": "const"}',
    'marks contains {"name": input.who, "kind": "input"}',
    'marks contains {"name": "a", "kind": "pure"} if input.again',
  ].join('\n');

  it('are not changed by what a request adds to its copy', () => {
    const p = policy(src);
    const first = evalJSON(p, 't.marks', { input: { who: 'u1' } }) as unknown[];
    expect(first).toHaveLength(14);
    expect(first).toContainEqual({ name: 'u1', kind: 'input' });
    const second = evalJSON(p, 't.marks', { input: { who: 'u2', again: true } }) as unknown[];
    expect(second).toHaveLength(14);
    expect(second).toContainEqual({ name: 'u2', kind: 'input' });
    expect(second).not.toContainEqual({ name: 'u1', kind: 'input' });
    expect(evalJSON(p, 't.marks', { input: {} })).toHaveLength(13);
  });

  it('follow the data document', () => {
    const p = policy('package t\nout contains x if some x in data.names\nout contains input.x if input.x');
    expect(evalJSON(p, 't.out', { data: { names: ['a', 'b'] }, input: { x: 'c' } })).toEqual(['a', 'b', 'c']);
    expect(evalJSON(p, 't.out', { data: { names: ['z'] }, input: { x: 'c' } })).toEqual(['c', 'z']);
  });
});

describe('the last call of a function', () => {
  const lib = [
    'package lib',
    'member(user, g) if g in user.groups',
    'level(user) := 2 if member(user, "admin")',
    'level(user) := 1 if { not member(user, "admin"); user.name }',
  ].join('\n');

  it('is not reused for other arguments', () => {
    const p = policy(lib, 'package t\nimport data.lib\nr := [lib.level(input.a), lib.level(input.b), lib.level(input.a)]');
    expect(evalJSON(p, 't.r', { input: { a: { groups: ['admin'] }, b: { name: 'b', groups: [] } } })).toEqual([2, 1, 2]);
  });

  it('is not reused across requests', () => {
    const p = policy(lib, 'package t\nimport data.lib\nr := lib.level(input.u)');
    const user = fromJSON({ groups: ['admin'] });
    expect(p.evaluate(['t', 'r'], { input: new RObject().set('u', user) })).toBe(2);
    const other = fromJSON({ name: 'x', groups: [] });
    expect(p.evaluate(['t', 'r'], { input: new RObject().set('u', other) })).toBe(1);
  });

  it('is not reused under with', () => {
    const p = policy(
      lib,
      'package t\nimport data.lib\nr := [a, b, c] if {\n a := lib.level(input.u)\n b := lib.level(input.u) with input.u as {"name": "n", "groups": []}\n c := lib.level(input.u)\n}',
    );
    expect(evalJSON(p, 't.r', { input: { u: { groups: ['admin'] } } })).toEqual([2, 1, 2]);
  });

  it('is not reused when a function is replaced, nor inside the replacement', () => {
    const p = policy(
      lib,
      [
        'package t',
        'import data.lib',
        'never(_, _) := false',
        'r := [a, b, c] if {',
        ' a := lib.level(input.u)',
        ' b := lib.level(input.u) with lib.member as never',
        ' c := lib.level(input.u)',
        '}',
      ].join('\n'),
    );
    expect(evalJSON(p, 't.r', { input: { u: { name: 'n', groups: ['admin'] } } })).toEqual([2, 1, 2]);
  });
});

describe('sets of a few objects', () => {
  it('dedupe and find members before and after they are many', () => {
    const s = new RSet();
    for (let i = 0; i < 40; i++) {
      expect(s.add(fromJSON({ name: `n${i}`, i }))).toBe(true);
      expect(s.add(fromJSON({ i, name: `n${i}` }))).toBe(false);
      expect(s.size).toBe(i + 1);
      expect(s.has(fromJSON({ name: 'n0', i: 0 }))).toBe(true);
      expect(s.has(fromJSON({ name: 'n0', i: 1 }))).toBe(false);
    }
    const small = RSet.from([[1], [2], [1]]);
    expect(small.size).toBe(2);
    const o = new RObject().set([1], 'a').set([2], 'b').set([1], 'c');
    expect(o.get([1])).toBe('c');
    o.delete([1]);
    expect(o.size).toBe(1);
    expect(o.get([2])).toBe('b');
  });

  it('copy without sharing what the copy changes', () => {
    const base = new RSet();
    for (let i = 0; i < 30; i++) base.add([i]);
    const copy = base._copy();
    expect(copy.add([100])).toBe(true);
    expect(copy.add([3])).toBe(false);
    expect(base.has([100])).toBe(false);
    expect(copy.size).toBe(31);
    expect(base.size).toBe(30);
  });
});
