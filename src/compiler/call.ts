import type { Location } from '../lang/ast.js';
import type { Builtin } from '../runtime/builtins/types.js';
import { BuiltinError } from '../runtime/builtins/types.js';
import type { Value } from '../runtime/value.js';
import { EvalError } from './errors.js';
import type { Mock, State } from './state.js';

// Calling builtins. OPA's rule: a builtin that fails (bad operand type, bad regex,
// division by zero) makes the call undefined; with strict evaluation the failure is
// raised as an EvalError with the builtin's code (eval_type_error / eval_builtin_error).

/** The error to raise for a failed call, or null when the call is just undefined. */
function builtinFailure(s: State, name: string, e: unknown, loc: Location): EvalError | null {
  if (e instanceof EvalError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const text = msg.startsWith(`${name}:`) ? msg : `${name}: ${msg}`;
  // As in OPA, a failing builtin (wrong operand types included) makes the call
  // undefined; strict evaluation raises the error with its code instead.
  if (e instanceof BuiltinError) return s.strict ? new EvalError(e.code, text, loc) : null;
  if (e instanceof RangeError && /call stack/i.test(msg)) {
    return new EvalError('eval_budget_exceeded', 'evaluation nested too deeply', loc);
  }
  // classifier errors and other failures of a well-typed call
  return s.strict ? new EvalError('eval_builtin_error', text, loc) : null;
}

export function callBuiltin(s: State, b: Builtin, args: Value[], loc: Location): Value | undefined {
  try {
    return b.fn(args, s.ctx);
  } catch (e) {
    const err = builtinFailure(s, b.name, e, loc);
    if (err) throw err;
    return undefined;
  }
}

export function applyMock(s: State, m: Mock, args: Value[]): Value | undefined {
  if (m.kind === 'value') return m.value;
  // a replacement runs with the originals: a mock never calls itself or another mock
  const saved = s.mocks;
  s.mocks = null;
  try {
    return m.call(s, args);
  } finally {
    s.mocks = saved;
  }
}
