// Operand checks shared by the builtins. Messages follow OPA's wording exactly
// ("<name>: operand 2 must be string but got number") because policies, tests and the
// conformance suite match on them.

import { RObject, RSet, typeOf, type Value } from '../value.js';
import { BuiltinError } from './types.js';

/** `eval_type_error`: operand `pos` (1-based) has the wrong type. */
export function typeError(name: string, pos: number, got: Value, ...expected: string[]): BuiltinError {
  const want = expected.length === 1 ? expected[0]! : `one of {${expected.join(', ')}}`;
  return new BuiltinError('eval_type_error', `${name}: operand ${pos} must be ${want} but got ${typeOf(got)}`);
}

/** `eval_type_error`: an element of a collection operand has the wrong type. */
export function elementError(name: string, pos: number, coll: Value, got: Value, expected: string): BuiltinError {
  const t = typeOf(coll);
  return new BuiltinError(
    'eval_type_error',
    `${name}: operand ${pos} must be ${t} of ${expected}s but got ${t} containing ${typeOf(got)}`,
  );
}

/** `eval_type_error` with a free-form operand message ("operand 1 <msg>"). */
export function operandError(name: string, pos: number, msg: string): BuiltinError {
  return new BuiltinError('eval_type_error', `${name}: operand ${pos} ${msg}`);
}

/** `eval_builtin_error`: a well-typed call that failed. */
export function fail(name: string, msg: string): BuiltinError {
  return new BuiltinError('eval_builtin_error', `${name}: ${msg}`);
}

export function str(name: string, args: readonly Value[], pos: number): string {
  const v = args[pos - 1]!;
  if (typeof v !== 'string') throw typeError(name, pos, v, 'string');
  return v;
}

export function num(name: string, args: readonly Value[], pos: number): number {
  const v = args[pos - 1]!;
  if (typeof v !== 'number') throw typeError(name, pos, v, 'number');
  return v;
}

/** An integral number; OPA rejects fractions with its own message. */
export function int(name: string, args: readonly Value[], pos: number): number {
  const n = num(name, args, pos);
  if (!Number.isInteger(n)) throw operandError(name, pos, 'must be integer number but got floating-point number');
  return n;
}

export function arr(name: string, args: readonly Value[], pos: number): readonly Value[] {
  const v = args[pos - 1]!;
  if (!Array.isArray(v)) throw typeError(name, pos, v, 'array');
  return v as readonly Value[];
}

export function obj(name: string, args: readonly Value[], pos: number): RObject {
  const v = args[pos - 1]!;
  if (!(v instanceof RObject)) throw typeError(name, pos, v, 'object');
  return v;
}

export function set(name: string, args: readonly Value[], pos: number): RSet {
  const v = args[pos - 1]!;
  if (!(v instanceof RSet)) throw typeError(name, pos, v, 'set');
  return v;
}

/** Members of an array (in order) or a set (sorted), which must all be strings. */
export function stringsOf(name: string, v: Value, pos: number): string[] {
  let items: readonly Value[];
  if (Array.isArray(v)) items = v as readonly Value[];
  else if (v instanceof RSet) items = v.sorted();
  else throw typeError(name, pos, v, 'array', 'set');
  const out: string[] = [];
  for (const x of items) {
    if (typeof x !== 'string') throw elementError(name, pos, v, x, 'string');
    out.push(x);
  }
  return out;
}

/** Rego numbers are finite: an overflow is an error, never Infinity or NaN. -0 becomes 0. */
export function finite(name: string, n: number): number {
  if (!Number.isFinite(n)) throw fail(name, 'numeric result out of range');
  return n === 0 ? 0 : n;
}
