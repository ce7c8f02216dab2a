// Comparison operators and membership (`in`), by their OPA names.

import { RObject, RSet, compare, equals, type Value } from '../value.js';
import type { Builtin } from './types.js';

function cmp(name: string, op: string, test: (c: number) => boolean): Builtin {
  return {
    name,
    args: ['any', 'any'],
    result: 'boolean',
    fn: ([a, b]) => test(compare(a!, b!)),
    description: `Reports whether x ${op} y in Rego's total order over values (operator \`${op}\`).`,
    category: 'comparison',
  };
}

function member(x: Value, coll: Value): boolean {
  if (coll instanceof RSet) return coll.has(x);
  if (Array.isArray(coll)) return coll.some((v: Value) => equals(v, x));
  if (coll instanceof RObject) {
    for (const v of coll.values()) if (equals(v, x)) return true;
  }
  return false;
}

function memberWithKey(k: Value, v: Value, coll: Value): boolean {
  if (coll instanceof RSet) return coll.has(k) && equals(k, v);
  if (Array.isArray(coll)) {
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k >= coll.length) return false;
    return equals(coll[k] as Value, v);
  }
  if (coll instanceof RObject) {
    const w = coll.get(k);
    return w !== undefined && equals(w, v);
  }
  return false;
}

export const builtins: Builtin[] = [
  {
    name: 'equal',
    args: ['any', 'any'],
    result: 'boolean',
    fn: ([a, b]) => equals(a!, b!),
    description: 'Reports whether x and y are equal (operator `==`); numbers compare by value.',
    category: 'comparison',
  },
  {
    name: 'neq',
    args: ['any', 'any'],
    result: 'boolean',
    fn: ([a, b]) => !equals(a!, b!),
    description: 'Reports whether x and y differ (operator `!=`).',
    category: 'comparison',
  },
  cmp('lt', '<', (c) => c < 0),
  cmp('lte', '<=', (c) => c <= 0),
  cmp('gt', '>', (c) => c > 0),
  cmp('gte', '>=', (c) => c >= 0),
  {
    name: 'internal.member_2',
    args: ['any', 'any'],
    result: 'boolean',
    fn: ([x, coll]) => member(x!, coll!),
    description: 'Reports whether x is a member of a set, an element of an array or a value of an object (`x in xs`).',
    category: 'comparison',
  },
  {
    name: 'internal.member_3',
    args: ['any', 'any', 'any'],
    result: 'boolean',
    fn: ([k, v, coll]) => memberWithKey(k!, v!, coll!),
    description: 'Reports whether collection[k] is v: array index, object key or set member (`k, v in xs`).',
    category: 'comparison',
  },
];
