import type { Value, TypeName } from '../value.js';
import type { ClassifierSet } from '../classifiers/types.js';

// The contract between the evaluator and a builtin function. A builtin is pure: it
// gets evaluated argument values and a context, and returns a value, `undefined`
// (the call is undefined), or throws a BuiltinError.

/** A parameter or result type, for the checker and the docs. `any` accepts all. */
export type ArgType = TypeName | 'any' | `${TypeName}|${string}`;

export interface BuiltinContext {
  /** nanoseconds since the epoch, fixed for the whole evaluation (as in OPA) */
  readonly nowNs: number;
  /** the policy's declared classifiers plus the built-in library */
  readonly classifiers: ClassifierSet;
  /** raise builtin errors instead of making the call undefined */
  readonly strict: boolean;
  /** per-evaluation memo (compiled regexes and the like), keyed by the builtin */
  readonly cache: Map<string, unknown>;
}

export type BuiltinFn = (args: Value[], ctx: BuiltinContext) => Value | undefined;

export interface Builtin {
  /** dotted name as called: `count`, `regex.match`, `classify` */
  name: string;
  /** parameter types; the arity is their count (see minArgs) */
  args: ArgType[];
  result: ArgType;
  fn: BuiltinFn;
  /** documentation, one sentence; docs/language.md is checked against it */
  description: string;
  /** docs section: strings, regex, aggregates, arrays, sets, objects, encoding, ... */
  category: string;
  /** several arities (e.g. `classify(text)` and `classify(text, names)`): the fewest */
  minArgs?: number;
  /** true for time.now_ns and the like: never constant-folded */
  nondeterministic?: boolean;
}

export type BuiltinErrorCode = 'eval_type_error' | 'eval_builtin_error';

/**
 * `eval_type_error`: an operand has the wrong type ("operand 1 must be string but got
 * number"); it halts evaluation as in OPA. `eval_builtin_error`: the call failed on a
 * well-typed operand (bad regex, bad JSON); it makes the call undefined unless strict.
 */
export class BuiltinError extends Error {
  readonly code: BuiltinErrorCode;
  constructor(code: BuiltinErrorCode, message: string) {
    super(message);
    this.name = 'BuiltinError';
    this.code = code;
  }
}
