import { describe, expect, it } from 'vitest';
import { evalJSON, policy } from './helpers.js';

// Function arguments: distinct variables are bound directly, anything else (a
// repeated variable, a constant, a composite pattern) is matched.

describe('function arguments', () => {
  it('bind distinct variables and ignore wildcards', () => {
    const p = policy('package t\nf(x, _, y) := [x, y]\nr := f(1, 2, 3)');
    expect(evalJSON(p, 't.r')).toEqual([1, 3]);
  });

  it('compare a repeated variable', () => {
    const p = policy('package t\nsame(x, x) := true\nr := [a, b] if { a := same(1, 1); b := same(1, 2) }\nq if not same(1, 2)');
    expect(evalJSON(p, 't.q')).toBe(true);
    expect(evalJSON(p, 't.r')).toBeUndefined();
  });

  it('match constants and composite patterns, trying each definition', () => {
    const p = policy('package t\nf(0) := "zero"\nf([a, b]) := a + b\nf({"k": v}) := v\nr := [f(0), f([2, 3]), f({"k": "x"})]\nq if not f(1)');
    expect(evalJSON(p, 't.r')).toEqual(['zero', 5, 'x']);
    expect(evalJSON(p, 't.q')).toBe(true);
  });
});
