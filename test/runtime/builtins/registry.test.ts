// Properties every non-guardrail builtin must have: documentation metadata, and total
// behaviour on arguments of every type (a value, undefined, or a BuiltinError; never a
// crash, never a non-finite number).

import { describe, expect, it } from 'vitest';
import { BUILTINS, BuiltinError, type Builtin } from '../../../src/runtime/builtins/index.js';
import { builtins as aggregates } from '../../../src/runtime/builtins/aggregates.js';
import { builtins as arrays } from '../../../src/runtime/builtins/arrays.js';
import { builtins as comparison } from '../../../src/runtime/builtins/comparison.js';
import { builtins as encoding } from '../../../src/runtime/builtins/encoding.js';
import { builtins as numbers } from '../../../src/runtime/builtins/numbers.js';
import { builtins as objects } from '../../../src/runtime/builtins/objects.js';
import { builtins as regex } from '../../../src/runtime/builtins/regex.js';
import { builtins as sets } from '../../../src/runtime/builtins/sets.js';
import { builtins as sprintf } from '../../../src/runtime/builtins/sprintf.js';
import { builtins as strings } from '../../../src/runtime/builtins/strings.js';
import { builtins as time } from '../../../src/runtime/builtins/time.js';
import { builtins as types } from '../../../src/runtime/builtins/types-check.js';
import { builtins as units } from '../../../src/runtime/builtins/units.js';
import { RObject, RSet, isScalar, type Value } from '../../../src/runtime/value.js';
import { ctx } from './helpers.js';

const CATEGORIES = new Set([
  'comparison', 'numbers', 'aggregates', 'arrays', 'sets', 'objects', 'strings',
  'regex', 'encoding', 'units', 'types', 'time',
]);

const mine: Builtin[] = [aggregates, arrays, comparison, encoding, numbers, objects, regex, sets, sprintf, strings, time, types, units].flat();

const SAMPLES: Value[] = [
  null,
  true,
  0,
  -1.5,
  '',
  'a,B é😀',
  [],
  ['x', 2],
  new RObject(),
  RObject.from([['a', 1], [2, ['b']]]),
  new RSet(),
  RSet.from(['x', RSet.from([1])]),
];

function assertFinite(v: Value | undefined): void {
  if (v === undefined) return;
  if (typeof v === 'number') {
    expect(Number.isFinite(v)).toBe(true);
    return;
  }
  if (isScalar(v)) return;
  const items = Array.isArray(v) ? v : v instanceof RSet ? [...v] : [...(v as RObject).entries()].flat();
  for (const x of items) assertFinite(x as Value);
}

function* combos(arity: number, pool: Value[]): Generator<Value[]> {
  if (arity === 0) {
    yield [];
    return;
  }
  for (const rest of combos(arity - 1, pool)) for (const v of pool) yield [...rest, v];
}

describe('builtin registry', () => {
  it('has unique names, registered in BUILTINS', () => {
    const names = mine.map((b) => b.name);
    expect(new Set(names).size).toBe(names.length);
    for (const b of mine) expect(BUILTINS.get(b.name)).toBe(b);
  });

  it.each(mine.map((b) => [b.name, b] as const))('%s has docs metadata', (_name, b) => {
    expect(CATEGORIES.has(b.category)).toBe(true);
    expect(b.description).toMatch(/^[A-Z`].*\.$/);
    expect(b.description.length).toBeLessThan(160);
  });

  it.each(mine.map((b) => [b.name, b] as const))('%s is total over every argument type', (_name, b) => {
    const pool = b.args.length >= 3 ? SAMPLES.filter((_, i) => i % 2 === 0 || i === 5) : SAMPLES;
    for (const args of combos(b.args.length, pool)) {
      let out: Value | undefined;
      try {
        out = b.fn(args, ctx);
      } catch (e) {
        if (!(e instanceof BuiltinError)) throw new Error(`${b.name}(${args.length} args) threw ${String(e)}`);
        expect(e.message.startsWith(`${b.name}: `)).toBe(true);
        continue;
      }
      assertFinite(out);
    }
  });
});
