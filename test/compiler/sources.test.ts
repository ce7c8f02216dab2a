import { describe, expect, it } from 'vitest';
import { compileSources } from '../../src/compiler/sources.js';

describe('compileSources', () => {
  it('compiles several files into one policy set', () => {
    const c = compileSources(
      new Map([
        ['a.gate', 'package a\n\nimport data.b\n\nallow if b.ok\n'],
        ['b.gate', 'package b\n\nok := true\n'],
      ]),
    );
    expect(c.diagnostics).toEqual([]);
    expect(c.policy?.evaluate(['a', 'allow'])).toBe(true);
  });

  it('stops at parse errors, naming each file, without compiling the rest', () => {
    const c = compileSources(
      new Map([
        ['bad.gate', 'package a\n\np { true }\n'],
        ['unsafe.gate', 'package b\n\nq if x > 1\n'],
      ]),
    );
    expect(c.policy).toBeUndefined();
    expect(c.diagnostics.map((d) => [d.code, d.loc?.file, d.loc?.line])).toEqual([['parse_error', 'bad.gate', 3]]);
  });

  it('returns compile diagnostics and no policy when the modules do not compile', () => {
    const c = compileSources(new Map([['b.gate', 'package b\n\nq if x > 1\n']]));
    expect(c.policy).toBeUndefined();
    expect(c.diagnostics.map((d) => d.code)).toContain('unsafe_var');
  });
});
