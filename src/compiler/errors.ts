import type { Location } from '../lang/ast.js';

// Evaluation errors are values with OPA's codes, so callers (CLI, proxy, conformance)
// can switch on them; the message says what went wrong and the location says where.

export type EvalErrorCode =
  | 'eval_conflict_error'
  | 'eval_type_error'
  | 'eval_builtin_error'
  | 'eval_budget_exceeded'
  | 'eval_with_error'
  | 'eval_recursion_error'
  | 'eval_internal_error';

export class EvalError extends Error {
  readonly code: EvalErrorCode;
  /** where it happened; set once, by the innermost code that knows */
  loc?: Location;
  constructor(code: EvalErrorCode, message: string, loc?: Location) {
    super(message);
    this.name = 'EvalError';
    this.code = code;
    if (loc) this.loc = loc;
  }
}

/** `file:line: code: message`, the form OPA prints an evaluation error in. */
export function formatEvalError(e: EvalError): string {
  const where = e.loc ? `${e.loc.file}:${e.loc.line}: ` : '';
  return `${where}${e.code}: ${e.message}`;
}
