// Set operators and n-ary set functions.

import { RSet, type Value } from '../value.js';
import { set, typeError } from './operands.js';
import type { Builtin } from './types.js';

function intersect(a: RSet, b: RSet): RSet {
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  const out = new RSet();
  for (const x of small) if (big.has(x)) out.add(x);
  return out;
}

function setsOf(name: string, args: readonly Value[]): RSet[] {
  const outer = set(name, args, 1);
  const out: RSet[] = [];
  for (const x of outer) {
    // OPA reports a non-set member as the operand itself being of the wrong type.
    if (!(x instanceof RSet)) throw typeError(name, 1, x, 'set');
    out.push(x);
  }
  return out;
}

export const builtins: Builtin[] = [
  {
    name: 'and',
    args: ['set', 'set'],
    result: 'set',
    fn: (args) => intersect(set('and', args, 1), set('and', args, 2)),
    description: 'Intersection of two sets (operator `&`).',
    category: 'sets',
  },
  {
    name: 'or',
    args: ['set', 'set'],
    result: 'set',
    fn: (args) => {
      const out = RSet.from(set('or', args, 1));
      for (const x of set('or', args, 2)) out.add(x);
      return out;
    },
    description: 'Union of two sets (operator `|`).',
    category: 'sets',
  },
  {
    name: 'intersection',
    args: ['set'],
    result: 'set',
    fn: (args) => {
      const sets = setsOf('intersection', args);
      if (sets.length === 0) return new RSet();
      return sets.slice(1).reduce(intersect, sets[0]!);
    },
    description: 'Intersection of a set of sets.',
    category: 'sets',
  },
  {
    name: 'union',
    args: ['set'],
    result: 'set',
    fn: (args) => {
      const out = new RSet();
      for (const s of setsOf('union', args)) for (const x of s) out.add(x);
      return out;
    },
    description: 'Union of a set of sets.',
    category: 'sets',
  },
];
