import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.js';
import { parseAll } from './helpers.js';

// Unsafe variables are reported with a location and a hint; safe bodies compile.

function diagnostics(src: string) {
  return compile(parseAll([src])).diagnostics.filter((d) => d.severity === 'error');
}

describe('safety', () => {
  it('reports a var that nothing binds, where it is used', () => {
    const d = diagnostics('package t\n\np if {\n\tx > 1\n}');
    expect(d.map((x) => [x.code, x.message, x.loc?.line, x.loc?.col])).toEqual([['unsafe_var', 'var x is unsafe', 4, 2]]);
    expect(d[0]!.hint).toContain('x');
  });

  it('reports a head var the body does not bind', () => {
    const d = diagnostics('package t\np contains y if { x := 1 }');
    expect(d.map((x) => x.message)).toEqual(['var y is unsafe']);
  });

  it('requires vars in a negation to be bound outside it', () => {
    const d = diagnostics('package t\np if { not input.xs[i] == 1; i > 0 }');
    expect(d.map((x) => x.message)).toEqual(['var i is unsafe']);
  });

  it('lets a negation keep vars of its own', () => {
    expect(diagnostics('package t\np if { not input.xs[_] == 1 }')).toEqual([]);
  });

  it('accepts bodies that need reordering', () => {
    expect(diagnostics('package t\np if { x > 1; input.xs[_] = x }')).toEqual([]);
  });

  it('needs a comprehension\u2019s outer vars bound', () => {
    const d = diagnostics('package t\np := ys if { ys := [y | y := n + 1] }');
    expect(d.map((x) => x.message)).toEqual(['var n is unsafe']);
  });

  it('rejects a with target that is neither input, data nor a function', () => {
    const d = diagnostics('package t\np if { x := 1; true with x as 2 }');
    expect(d.map((x) => x.code)).toContain('type_error');
  });

  it('reports an unknown function', () => {
    const d = diagnostics('package t\np := nosuch(1)');
    expect(d.length).toBeGreaterThan(0);
    expect(d[0]!.code).toBe('undefined_function');
  });
});
