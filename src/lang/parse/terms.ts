// Pure functions on terms for the AST builder: operator precedence, `k, v in xs`
// assembly, and the shape checks behind its diagnostics.

import type { IToken } from 'chevrotain';
import type { BinaryOp, Location, MembershipTerm, Term } from '../ast.js';

export function span(a: Location, b: Location): Location {
  return { file: a.file, line: a.line, col: a.col, endLine: b.endLine, endCol: b.endCol, offset: a.offset, endOffset: b.endOffset };
}

/**
 * Precedence climbing over a flat `operands[0] ops[0] operands[1] ...` list, where
 * ops[i] sits between operands[i] and operands[i + 1]. Every operator is
 * left-associative. Recursion depth is bounded by the number of precedence levels.
 */
export function climb(ops: IToken[], operands: Term[], pos: { i: number }, lhsStart: Term, minPrec: number): Term {
  let lhs = lhsStart;
  while (pos.i < ops.length && precedence(ops[pos.i]!) >= minPrec) {
    const op = ops[pos.i]!;
    const prec = precedence(op);
    pos.i++;
    let rhs = operands[pos.i]!;
    while (pos.i < ops.length && precedence(ops[pos.i]!) > prec) rhs = climb(ops, operands, pos, rhs, prec + 1);
    lhs = combine(op, lhs, rhs);
  }
  return lhs;
}

/** OPA's binding strength, weakest first: in, comparisons, |, &, + -, * / %. */
function precedence(op: IToken): number {
  switch (op.tokenType.name) {
    case 'In':
      return 1;
    case 'Bar':
      return 3;
    case 'Amp':
      return 4;
    case 'Plus':
    case 'Minus':
      return 5;
    case 'Star':
    case 'Slash':
    case 'Percent':
      return 6;
    default:
      return 2; // == != < <= > >=
  }
}

function combine(op: IToken, left: Term, right: Term): Term {
  const loc = span(left.loc, right.loc);
  if (op.tokenType.name === 'In') return { type: 'membership', value: left, collection: right, loc };
  return { type: 'binary', op: op.image as BinaryOp, left, right, loc };
}

/**
 * Turns `key` and `v in xs ...` into `key, v in xs ...`. `inCount` is the number of
 * top-level `in` operators after the comma (parenthesized ones are not counted): the
 * leftmost of them takes the key, so `k, v in xs in ys` is `(k, v in xs) in ys`.
 */
export function attachKey(key: Term, right: Term, inCount: number): Term | undefined {
  if (inCount === 0) return undefined;
  // The left spine of `in`s, outermost first (iteratively: it can be long).
  const spine: MembershipTerm[] = [];
  let t: Term = right;
  for (let i = 0; i < inCount; i++) {
    if (t.type !== 'membership') return undefined;
    spine.push(t);
    t = t.value;
  }
  const innermost = spine.pop()!;
  let out: Term = { type: 'membership', key, value: innermost.value, collection: innermost.collection, loc: span(key.loc, innermost.loc) };
  while (spine.length > 0) {
    const outer = spine.pop()!;
    out = { ...outer, value: out, loc: span(key.loc, outer.loc) };
  }
  return out;
}

export function calleeName(t: Term): string[] | undefined {
  if (t.type === 'var') return [t.name];
  if (t.type === 'ref' && t.head.type === 'var') {
    const out = [t.head.name];
    for (let i = 0; i < t.path.length; i++) {
      const p = t.path[i]!;
      if (!t.dotted[i] || p.type !== 'string') return undefined;
      out.push(p.value);
    }
    return out;
  }
  return undefined;
}

export function isScalar(t: Term): boolean {
  return t.type === 'string' || t.type === 'number' || t.type === 'boolean' || t.type === 'null';
}

export function isAssignable(t: Term): boolean {
  if (t.type === 'var') return true;
  if (t.type === 'array') return t.items.every(isPattern);
  if (t.type === 'object') return t.entries.every(([, v]) => isPattern(v));
  return false;
}

export function isPattern(t: Term): boolean {
  switch (t.type) {
    case 'var':
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return true;
    case 'array':
      return t.items.every(isPattern);
    case 'object':
      return t.entries.every(([, v]) => isPattern(v));
    default:
      return false;
  }
}

export function findNonConstant(t: Term): Term | undefined {
  switch (t.type) {
    case 'var':
    case 'ref':
    case 'call':
      return t;
    case 'array':
    case 'set':
      for (const i of t.items) {
        const bad = findNonConstant(i);
        if (bad) return bad;
      }
      return undefined;
    case 'object':
      for (const [k, v] of t.entries) {
        const bad = findNonConstant(k) ?? findNonConstant(v);
        if (bad) return bad;
      }
      return undefined;
    case 'binary':
      return findNonConstant(t.left) ?? findNonConstant(t.right);
    case 'unary':
      return findNonConstant(t.operand);
    case 'membership':
      return (t.key && findNonConstant(t.key)) ?? findNonConstant(t.value) ?? findNonConstant(t.collection);
    default:
      return undefined; // scalars and comprehensions
  }
}

export function describeTerm(t: Term): string {
  switch (t.type) {
    case 'null':
      return '`null`';
    case 'boolean':
      return `\`${t.value}\``;
    case 'number':
      return `the number \`${t.raw}\``;
    case 'string':
      return 'a string';
    case 'var':
      return `the variable \`${t.name}\``;
    case 'ref':
      return 'a reference';
    case 'array':
      return 'an array';
    case 'set':
      return 'a set';
    case 'object':
      return 'an object';
    case 'arraycompr':
    case 'setcompr':
    case 'objectcompr':
      return 'a comprehension';
    case 'call':
      return `a call to \`${t.fn.join('.')}\``;
    case 'binary':
      return `a \`${t.op}\` expression`;
    case 'unary':
      return 'a negation';
    case 'membership':
      return 'an `in` expression';
  }
}
