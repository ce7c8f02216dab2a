// Arithmetic operators and number functions. Numbers are float64: integer results are
// exact up to 2^53; OPA's arbitrary precision beyond that is not reproduced.

import { RSet, typeOf, type Value } from '../value.js';
import { fail, finite, num, operandError, typeError } from './operands.js';
import type { Builtin } from './types.js';

/** Bound on numbers.range output, so a typo cannot allocate gigabytes. */
export const MAX_RANGE = 1_000_000;

function arith(name: string, op: string, f: (x: number, y: number) => number, description: string): Builtin {
  return {
    name,
    args: ['number', 'number'],
    result: 'number',
    fn: (args) => finite(name, f(num(name, args, 1), num(name, args, 2))),
    description: `${description} (operator \`${op}\`).`,
    category: 'numbers',
  };
}

function unary(name: string, f: (x: number) => number, description: string): Builtin {
  return {
    name,
    args: ['number'],
    result: 'number',
    fn: (args) => finite(name, f(num(name, args, 1))),
    description,
    category: 'numbers',
  };
}

/** Half away from zero, as OPA rounds; x - trunc(x) is exact in float64. */
function round(x: number): number {
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

function range(name: string, from: number, to: number, step: number): Value {
  const n = Math.floor(Math.abs(to - from) / step) + 1;
  if (n > MAX_RANGE) throw fail(name, `range too large (more than ${MAX_RANGE} numbers)`);
  const out: number[] = new Array(n);
  const dir = from <= to ? step : -step;
  for (let i = 0; i < n; i++) out[i] = from + i * dir;
  return out;
}

function rangeInt(name: string, args: readonly Value[], pos: number): number {
  const v = args[pos - 1]!;
  if (typeof v !== 'number') throw typeError(name, pos, v, 'integer');
  if (!Number.isInteger(v)) throw operandError(name, pos, 'must be integer number but got floating-point number');
  return v;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function toNumber(v: Value): number {
  switch (typeOf(v)) {
    case 'null':
      return 0;
    case 'boolean':
      return v ? 1 : 0;
    case 'number':
      return v as number;
    case 'string': {
      const s = v as string;
      const word = s.replace(/^[+-]+/, '').toLowerCase();
      if (word === 'inf' || word === 'infinity' || word === 'nan') throw typeError('to_number', 1, v, 'valid number string');
      if (!DECIMAL.test(s)) throw fail('to_number', `strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
      const n = Number(s);
      if (!Number.isFinite(n)) throw fail('to_number', `strconv.ParseFloat: parsing ${JSON.stringify(s)}: value out of range`);
      return n === 0 ? 0 : n;
    }
    default:
      throw typeError('to_number', 1, v, 'null', 'boolean', 'number', 'string');
  }
}

function minus(args: Value[]): Value {
  const [a, b] = args as [Value, Value];
  if (typeof a === 'number' && typeof b === 'number') return finite('minus', a - b);
  if (a instanceof RSet && b instanceof RSet) {
    const out = new RSet();
    for (const x of a) if (!b.has(x)) out.add(x);
    return out;
  }
  if (typeof a !== 'number' && !(a instanceof RSet)) throw typeError('minus', 1, a, 'number', 'set');
  if (typeof b === 'number') throw typeError('minus', 2, b, 'set');
  throw typeError('minus', 2, b, 'number');
}

export const builtins: Builtin[] = [
  arith('plus', '+', (x, y) => x + y, 'Adds two numbers'),
  {
    name: 'minus',
    args: ['number|set', 'number|set'],
    result: 'number|set',
    fn: minus,
    description: 'Subtracts numbers, or removes the members of the second set from the first (operator `-`).',
    category: 'numbers',
  },
  arith('mul', '*', (x, y) => x * y, 'Multiplies two numbers'),
  arith(
    'div',
    '/',
    (x, y) => {
      if (y === 0) throw fail('div', 'divide by zero');
      return x / y;
    },
    'Divides x by y; division by zero is an error',
  ),
  arith(
    'rem',
    '%',
    (x, y) => {
      if (Number.isInteger(x) && Number.isInteger(y)) {
        if (y === 0) throw fail('rem', 'modulo by zero');
        return x % y;
      }
      throw fail('rem', 'modulo on floating-point number');
    },
    'Remainder of integer division, with the sign of the dividend',
  ),
  unary('abs', Math.abs, 'Absolute value of a number.'),
  unary('round', round, 'Rounds to the nearest integer, halves away from zero.'),
  unary('ceil', Math.ceil, 'Rounds up to the nearest integer.'),
  unary('floor', Math.floor, 'Rounds down to the nearest integer.'),
  {
    name: 'numbers.range',
    args: ['number', 'number'],
    result: 'array',
    fn: (args) => range('numbers.range', rangeInt('numbers.range', args, 1), rangeInt('numbers.range', args, 2), 1),
    description: 'The integers from a to b inclusive, ascending or descending.',
    category: 'numbers',
  },
  {
    name: 'numbers.range_step',
    args: ['number', 'number', 'number'],
    result: 'array',
    fn: (args) => {
      const name = 'numbers.range_step';
      const a = rangeInt(name, args, 1);
      const b = rangeInt(name, args, 2);
      const step = rangeInt(name, args, 3);
      if (step <= 0) throw fail(name, 'step must be a positive integer');
      return range(name, a, b, step);
    },
    description: 'The integers from a towards b inclusive, in steps of a positive integer.',
    category: 'numbers',
  },
  {
    name: 'to_number',
    args: ['any'],
    result: 'number',
    fn: ([v]) => toNumber(v!),
    description: 'Converts null (0), a boolean (0 or 1), a number or a decimal string to a number.',
    category: 'numbers',
  },
];

