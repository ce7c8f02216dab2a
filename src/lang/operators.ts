import type { BinaryOp } from './ast.js';

/**
 * The builtin each operator calls, as in OPA: `a + b` is `plus(a, b)`. Membership
 * calls `internal.member_2(x, xs)` (`x in xs`) and `internal.member_3(k, v, xs)`
 * (`k, v in xs`). A language fact shared by the checker, the compiler and the docs.
 */
export const OPERATORS: Readonly<Record<BinaryOp, string>> = {
  '==': 'equal',
  '!=': 'neq',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
  '+': 'plus',
  '-': 'minus',
  '*': 'mul',
  '/': 'div',
  '%': 'rem',
  '&': 'and',
  '|': 'or',
};
