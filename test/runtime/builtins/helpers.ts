// Calls builtins through the registry, as the evaluator does, with a real context.

import { expect } from 'vitest';
import { BUILTINS, BuiltinError, type BuiltinContext } from '../../../src/runtime/builtins/index.js';
import type { ClassifierSet } from '../../../src/runtime/classifiers/types.js';
import { RObject, RSet, fromJSON, type Value } from '../../../src/runtime/value.js';

const noClassifiers: ClassifierSet = {
  has: () => false,
  names: () => [],
  scan: () => [],
  maxLength: () => 0,
};

export const NOW_NS = 1_700_000_000_000_000_000;

export const ctx: BuiltinContext = { nowNs: NOW_NS, classifiers: noClassifiers, strict: false, cache: new Map() };

/** Plain JSON-ish arguments are converted with fromJSON; RSet/RObject pass through. */
export function call(name: string, ...args: unknown[]): Value | undefined {
  const b = BUILTINS.get(name);
  if (!b) throw new Error(`no builtin ${name}`);
  return b.fn(args.map(fromJSON), ctx);
}

export function set(...xs: unknown[]): RSet {
  return RSet.from(xs.map(fromJSON));
}

export function obj(entries: Array<[unknown, unknown]>): RObject {
  return RObject.from(entries.map(([k, v]) => [fromJSON(k), fromJSON(v)] as const));
}

/** The value as plain JSON for toEqual (sets as sorted arrays, objects as records). */
export { toJSON } from '../../../src/runtime/value.js';

/** Asserts the call throws a BuiltinError with the code and a message containing `msg`. */
export function expectError(code: BuiltinError['code'], msg: string, name: string, ...args: unknown[]): void {
  let err: unknown;
  try {
    call(name, ...args);
  } catch (e) {
    err = e;
  }
  expect(err, `${name} should throw`).toBeInstanceOf(BuiltinError);
  expect((err as BuiltinError).code).toBe(code);
  expect((err as BuiltinError).message).toContain(msg);
}

export function expectTypeError(msg: string, name: string, ...args: unknown[]): void {
  expectError('eval_type_error', msg, name, ...args);
}

export function expectBuiltinError(msg: string, name: string, ...args: unknown[]): void {
  expectError('eval_builtin_error', msg, name, ...args);
}
