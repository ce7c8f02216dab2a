// Aggregates over collections: count, sum, product, max, min, sort.

import { RObject, RSet, compare, type Value } from '../value.js';
import { elementError, fail, finite, typeError } from './operands.js';
import type { Builtin } from './types.js';

/** Code points, not UTF-16 units: OPA counts runes. */
export function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

function items(name: string, v: Value): readonly Value[] {
  if (Array.isArray(v)) return v as readonly Value[];
  if (v instanceof RSet) return v.sorted();
  throw typeError(name, 1, v, 'set', 'array');
}

function fold(name: string, v: Value, init: number, op: (acc: number, x: number) => number): number {
  let acc = init;
  for (const x of items(name, v)) {
    if (typeof x !== 'number') throw elementError(name, 1, v, x, 'number');
    acc = op(acc, x);
  }
  if (!Number.isFinite(acc)) throw fail(name, 'numeric result out of range');
  return finite(name, acc);
}

function extreme(name: string, v: Value, better: (c: number) => boolean): Value | undefined {
  const xs = items(name, v);
  if (xs.length === 0) return undefined;
  let best = xs[0]!;
  for (let i = 1; i < xs.length; i++) if (better(compare(xs[i]!, best))) best = xs[i]!;
  return best;
}

export const builtins: Builtin[] = [
  {
    name: 'count',
    args: ['array|object|set|string'],
    result: 'number',
    fn: ([v]) => {
      if (typeof v === 'string') return runeCount(v);
      if (Array.isArray(v)) return v.length;
      if (v instanceof RSet || v instanceof RObject) return v.size;
      throw typeError('count', 1, v!, 'array', 'object', 'set', 'string');
    },
    description: 'Number of elements of a collection, or of characters (code points) of a string.',
    category: 'aggregates',
  },
  {
    name: 'sum',
    args: ['array|set'],
    result: 'number',
    fn: ([v]) => fold('sum', v!, 0, (a, x) => a + x),
    description: 'Sum of an array or set of numbers.',
    category: 'aggregates',
  },
  {
    name: 'product',
    args: ['array|set'],
    result: 'number',
    fn: ([v]) => fold('product', v!, 1, (a, x) => a * x),
    description: 'Product of an array or set of numbers.',
    category: 'aggregates',
  },
  {
    name: 'max',
    args: ['array|set'],
    result: 'any',
    fn: ([v]) => extreme('max', v!, (c) => c > 0),
    description: 'Largest element of an array or set (undefined when empty).',
    category: 'aggregates',
  },
  {
    name: 'min',
    args: ['array|set'],
    result: 'any',
    fn: ([v]) => extreme('min', v!, (c) => c < 0),
    description: 'Smallest element of an array or set (undefined when empty).',
    category: 'aggregates',
  },
  {
    name: 'sort',
    args: ['array|set'],
    result: 'array',
    fn: ([v]) => (v instanceof RSet ? v.sorted() : [...items('sort', v!)].sort(compare)),
    description: 'The elements of an array or set as a sorted array.',
    category: 'aggregates',
  },
];
