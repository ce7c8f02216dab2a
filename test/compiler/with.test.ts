import { describe, expect, it } from 'vitest';
import { evalJSON, policy } from './helpers.js';

// `with`: replacing input, base and virtual documents, and mocking rules, functions
// and builtins, for one literal only.

describe('with', () => {
  it('replaces input for the literal only', () => {
    const p = policy('package t\nis_admin if input.role == "admin"\nr := [a, b] if { a := is_admin with input as {"role": "admin"}; b := object.get(input, "role", "none") }');
    expect(evalJSON(p, 't.r', { input: { role: 'guest' } })).toEqual([true, 'guest']);
  });

  it('replaces a path inside input', () => {
    const p = policy('package t\nname := input.user.name\nr := x if x := name with input.user.name as "z"');
    expect(evalJSON(p, 't.r', { input: { user: { name: 'a', id: 1 } } })).toBe('z');
  });

  it('replaces base data', () => {
    const p = policy('package t\nallowed if input.user in data.admins\nr if allowed with data.admins as ["bob"]');
    expect(evalJSON(p, 't.r', { input: { user: 'bob' }, data: { admins: [] } })).toBe(true);
  });

  it('replaces a rule (a virtual document)', () => {
    const p = policy('package t\nlimit := 10\nover if input.n > limit\nr if over with data.t.limit as 1');
    expect(evalJSON(p, 't.r', { input: { n: 5 } })).toBe(true);
    expect(evalJSON(p, 't.over', { input: { n: 5 } })).toBeUndefined();
  });

  it('does not leak memoized rule values across the with scope', () => {
    const p = policy('package t\nrole := input.role\nr := [a, b, c] if { a := role; b := role with input.role as "x"; c := role }');
    expect(evalJSON(p, 't.r', { input: { role: 'y' } })).toEqual(['y', 'x', 'y']);
  });

  it('mocks a function with a value and with another function', () => {
    const p = policy('package t\nf(x) := x * 2\ng(x) := x * 10\nr := [a, b, c] if { a := f(1) with f as 7; b := f(1) with f as g; c := f(1) }');
    expect(evalJSON(p, 't.r')).toEqual([7, 10, 2]);
  });

  it('mocks a builtin, and the mock sees the original inside', () => {
    const p = policy('package t\nmock_count(xs) := count(xs) + 100\nr := n if n := count([1, 2]) with count as mock_count');
    expect(evalJSON(p, 't.r')).toBe(102);
  });

  it('mocks time.now_ns with a value', () => {
    const p = policy('package t\nr := t if t := time.now_ns() with time.now_ns as 42');
    expect(evalJSON(p, 't.r')).toBe(42);
  });

  it('works with a test-style rule under a package', () => {
    const p = policy('package t\ndeny contains "no" if not input.ok\ntest_denied if { count(deny) == 1 with input as {"ok": false} }\ntest_allowed if { count(deny) == 0 with input as {"ok": true} }');
    expect(evalJSON(p, 't.test_denied')).toBe(true);
    expect(evalJSON(p, 't.test_allowed')).toBe(true);
    expect(p.tests().map((t) => t.name)).toEqual(['test_denied', 'test_allowed']);
  });
});
