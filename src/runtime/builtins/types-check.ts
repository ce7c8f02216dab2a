// Type inspection.

import { typeOf, type TypeName } from '../value.js';
import type { Builtin } from './types.js';

function is(t: TypeName, article: string): Builtin {
  return {
    name: `is_${t}`,
    args: ['any'],
    result: 'boolean',
    fn: ([v]) => typeOf(v!) === t,
    description: `Reports whether x is ${article ? article + ' ' : ''}${t}.`,
    category: 'types',
  };
}

export const builtins: Builtin[] = [
  {
    name: 'type_name',
    args: ['any'],
    result: 'string',
    fn: ([v]) => typeOf(v!),
    description: 'The type of x: null, boolean, number, string, array, object or set.',
    category: 'types',
  },
  is('string', 'a'),
  is('number', 'a'),
  is('boolean', 'a'),
  is('array', 'an'),
  is('set', 'a'),
  is('object', 'an'),
  is('null', ''),
];
