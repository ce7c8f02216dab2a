// Array functions.

import type { Value } from '../value.js';
import { arr, int } from './operands.js';
import type { Builtin } from './types.js';

export const builtins: Builtin[] = [
  {
    name: 'array.concat',
    args: ['array', 'array'],
    result: 'array',
    fn: (args) => [...arr('array.concat', args, 1), ...arr('array.concat', args, 2)],
    description: 'Concatenates two arrays.',
    category: 'arrays',
  },
  {
    name: 'array.slice',
    args: ['array', 'number', 'number'],
    result: 'array',
    fn: (args) => {
      const a = arr('array.slice', args, 1);
      let start = int('array.slice', args, 2);
      let stop = int('array.slice', args, 3);
      // Clamped as OPA does: out-of-range or inverted bounds give a shorter or empty slice.
      stop = Math.min(Math.max(stop, 0), a.length);
      start = Math.min(Math.max(start, 0), stop);
      return a.slice(start, stop);
    },
    description: 'The elements from index start (inclusive) to stop (exclusive), clamped to the array.',
    category: 'arrays',
  },
  {
    name: 'array.reverse',
    args: ['array'],
    result: 'array',
    fn: (args) => [...arr('array.reverse', args, 1)].reverse(),
    description: 'The array in reverse order.',
    category: 'arrays',
  },
  {
    name: 'array.flatten',
    args: ['array'],
    result: 'array',
    fn: (args) => {
      const out: Value[] = [];
      for (const x of arr('array.flatten', args, 1)) {
        if (Array.isArray(x)) out.push(...(x as readonly Value[]));
        else out.push(x);
      }
      return out;
    },
    description: 'Flattens nested arrays by one level; other elements are kept as they are.',
    category: 'arrays',
  },
];
