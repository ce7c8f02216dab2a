import type { BinaryOp, BinaryTerm, Body, MembershipTerm, Literal, Location, Term, WithModifier } from '../ast.js';
import { MAX_WIDTH, Printer } from './printer.js';

// Terms, literals and bodies. A collection, call or comprehension is written one item
// per line (with a trailing comma) when the source put its first item on a later line
// than its opening bracket, when a comment sits inside it, or when it would not fit in
// MAX_WIDTH columns; otherwise on one line. Once broken, the first item is on a later
// line, so formatting the output again keeps it broken: the rule is idempotent.

/** binding strength of binary operators, as the parser groups them (higher binds tighter) */
const PRECEDENCE: Record<BinaryOp, number> = {
  '==': 1,
  '!=': 1,
  '<': 1,
  '<=': 1,
  '>': 1,
  '>=': 1,
  '|': 2,
  '&': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
};

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isIdent(s: string): boolean {
  return IDENT.test(s);
}

/** `a.b["c-d"]` for a dotted name whose parts may not all be identifiers */
export function pathText(parts: readonly string[]): string {
  return parts.map((p, i) => (i === 0 ? p : isIdent(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('');
}

export function stringText(value: string, raw: boolean): string {
  return raw && !value.includes('`') ? `\`${value}\`` : JSON.stringify(value);
}

const flatCache = new WeakMap<Term, string>();

/** the one-line rendering of a term, used to measure whether it fits */
export function flatText(t: Term): string {
  let s = flatCache.get(t);
  if (s === undefined) {
    const p = new Printer([], true);
    writeTerm(p, t);
    s = p.currentLine();
    flatCache.set(t, s);
  }
  return s;
}

function fits(p: Printer, t: Term): boolean {
  return p.column() + flatText(t).length <= MAX_WIDTH;
}

function shouldBreak(p: Printer, t: Term, firstItemLine: number | undefined): boolean {
  if (p.flat || firstItemLine === undefined) return false;
  return firstItemLine > t.loc.line || p.hasCommentBefore(t.loc.endOffset) || !fits(p, t);
}

/**
 * Where a term is written, as the grammar sees it: in the first item of a collection
 * a bare `|` starts a comprehension (NOBAR). `k, v in xs` is written bare only as a
 * whole statement (KV); elsewhere it is bracketed, as a list would read it as items.
 */
export const NOBAR = 1;
export const KV = 2;

/** writes `t`; `ctx` says where it stands (NOBAR, KV) */
export function writeTerm(p: Printer, t: Term, ctx = 0): void {
  const noBar = (ctx & NOBAR) !== 0;
  if (p.bracketNext === t) {
    p.bracketNext = undefined;
    writeParenthesized(p, t);
    return;
  }
  switch (t.type) {
    case 'null':
      p.write('null');
      break;
    case 'boolean':
      p.write(t.value ? 'true' : 'false');
      break;
    case 'number':
      p.write(t.raw);
      break;
    case 'string':
      p.write(stringText(t.value, t.rawString));
      break;
    case 'var':
      p.write(t.name);
      break;
    case 'ref':
      writeRef(p, t.head, t.path, t.dotted);
      break;
    case 'array':
      writeItems(p, t, '[', ']', t.items.map((item, i) => ({ loc: item.loc, write: () => writeTerm(p, item, i === 0 ? NOBAR : 0) })));
      break;
    case 'set':
      if (t.items.length === 0) p.write('set()');
      else writeItems(p, t, '{', '}', t.items.map((item, i) => ({ loc: item.loc, write: () => writeTerm(p, item, i === 0 ? NOBAR : 0) })));
      break;
    case 'object':
      writeItems(
        p,
        t,
        '{',
        '}',
        t.entries.map(([k, v], i) => ({
          loc: span(k.loc, v.loc),
          write: () => {
            writeTerm(p, k, i === 0 ? NOBAR : 0);
            p.write(': ');
            writeTerm(p, v, i === 0 ? NOBAR : 0);
          },
        })),
      );
      break;
    case 'call':
      p.write(t.fn.join('.'));
      writeItems(p, t, '(', ')', t.args.map((arg) => ({ loc: arg.loc, write: () => writeTerm(p, arg) })));
      break;
    case 'arraycompr':
      writeComprehension(p, t, '[', ']', t.body, () => writeTerm(p, t.term, NOBAR));
      break;
    case 'setcompr':
      writeComprehension(p, t, '{', '}', t.body, () => writeTerm(p, t.term, NOBAR));
      break;
    case 'objectcompr':
      writeComprehension(p, t, '{', '}', t.body, () => {
        writeTerm(p, t.key, NOBAR);
        p.write(': ');
        writeTerm(p, t.value, NOBAR);
      });
      break;
    case 'binary':
      // In the first item of a collection or comprehension a bare `|` would start a
      // comprehension body, so there every `|` outside brackets is bracketed.
      if (noBar && t.op === '|') writeParenthesized(p, t);
      else writeBinary(p, t, noBar);
      break;
    case 'unary':
      p.write('-');
      if (t.operand.type === 'var' || t.operand.type === 'ref' || t.operand.type === 'call') writeTerm(p, t.operand);
      else writeParenthesized(p, t.operand);
      break;
    case 'membership':
      // `in` binds weakest, so `x in xs` needs no brackets where a whole expression
      // goes; `k, v in xs` would read as two items of a list outside KV places.
      if (t.key && !(ctx & KV)) writeParenthesized(p, t);
      else writeMembershipChain(p, t, ctx & NOBAR);
      break;
  }
  p.lastLine = t.loc.endLine;
}

/** `k, v in xs` / `v in xs` without brackets; a membership operand is bracketed */
export function writeMembership(p: Printer, key: Term | undefined, value: Term, collection: Term, ctx = 0): void {
  if (key) {
    writeMembershipOperand(p, key, ctx);
    p.write(', ');
  }
  writeMembershipOperand(p, value, ctx);
  p.write(' in ');
  writeMembershipOperand(p, collection, ctx);
}

/**
 * `a in b in c` is `(a in b) in c`: a chain of memberships without keys is written
 * bare, walking its left spine with a loop as `writeBinary` does.
 */
function writeMembershipChain(p: Printer, t: MembershipTerm, ctx: number): void {
  const spine: MembershipTerm[] = [t];
  for (let cur = t; !cur.key && cur.value.type === 'membership' && !cur.value.key; ) {
    cur = cur.value;
    spine.push(cur);
  }
  const innermost = spine[spine.length - 1]!;
  writeMembership(p, innermost.key, innermost.value, innermost.collection, ctx);
  for (let i = spine.length - 2; i >= 0; i--) {
    p.write(' in ');
    writeMembershipOperand(p, spine[i]!.collection, ctx);
  }
}

/** a term inside a membership or after `every ... in`: any binary is fine, `in` is not */
export function writeMembershipOperand(p: Printer, t: Term, ctx = 0): void {
  if (t.type === 'membership') writeParenthesized(p, t);
  else writeTerm(p, t, ctx & NOBAR);
}

export function writeParenthesized(p: Printer, t: Term): void {
  p.write('(');
  writeTerm(p, t, KV);
  p.write(')');
}

/**
 * `a + b + c` nests to the left as deep as the chain is long, so the left spine is
 * walked with a loop rather than recursion: long chains cannot exhaust the stack.
 */
function writeBinary(p: Printer, t: BinaryTerm, noBar: boolean): void {
  const spine: BinaryTerm[] = [t];
  for (let cur = t; ; ) {
    const left = cur.left;
    if (left.type !== 'binary' || PRECEDENCE[left.op] < PRECEDENCE[cur.op] || (noBar && left.op === '|')) break;
    spine.push(left);
    cur = left;
  }
  const innermost = spine[spine.length - 1]!;
  writeOperand(p, innermost.left, PRECEDENCE[innermost.op], false, noBar);
  for (let i = spine.length - 1; i >= 0; i--) {
    const node = spine[i]!;
    p.write(` ${node.op} `);
    writeOperand(p, node.right, PRECEDENCE[node.op], true, noBar);
    p.lastLine = node.loc.endLine;
  }
}

function writeOperand(p: Printer, t: Term, parent: number, right: boolean, noBar: boolean): void {
  if (t.type === 'membership') return writeParenthesized(p, t);
  if (t.type !== 'binary') return writeTerm(p, t);
  const own = PRECEDENCE[t.op];
  if (own < parent || (right && own === parent)) writeParenthesized(p, t);
  else writeTerm(p, t, noBar ? NOBAR : 0);
}

function writeRef(p: Printer, head: Term, path: readonly Term[], dotted: readonly boolean[]): void {
  if (head.type === 'binary' || head.type === 'unary' || head.type === 'membership') writeParenthesized(p, head);
  else writeTerm(p, head);
  path.forEach((el, i) => {
    if (dotted[i] && el.type === 'string' && isIdent(el.value)) p.write(`.${el.value}`);
    else {
      p.write('[');
      writeTerm(p, el);
      p.write(']');
    }
  });
}

interface Item {
  loc: Location;
  write: () => void;
}

function span(a: Location, b: Location): Location {
  return { ...a, endLine: b.endLine, endCol: b.endCol, endOffset: b.endOffset };
}

function writeItems(p: Printer, t: Term, open: string, close: string, items: Item[]): void {
  if (!shouldBreak(p, t, items[0]?.loc.line)) {
    p.write(open);
    items.forEach((item, i) => {
      if (i > 0) p.write(', ');
      item.write();
    });
    p.write(close);
    return;
  }
  p.write(open);
  p.lastLine = t.loc.line;
  p.indent();
  items.forEach((item) => {
    p.leading(item.loc.offset);
    item.write();
    p.write(',');
    p.lastLine = item.loc.endLine;
  });
  p.leading(t.loc.endOffset);
  p.dedent();
  p.write(close);
}

function writeComprehension(p: Printer, t: Term, open: string, close: string, body: Body, head: () => void): void {
  const first = body[0];
  const broken =
    !p.flat && first !== undefined && (shouldBreak(p, t, first.loc.line) || body.some((l) => l.stmt.type === 'every'));
  p.write(open);
  head();
  if (!broken) {
    p.write(' | ');
    body.forEach((lit, i) => {
      if (i > 0) p.write('; ');
      writeLiteral(p, lit);
    });
    p.write(close);
    return;
  }
  p.write(' |');
  writeBlock(p, body, t.loc.endOffset);
  p.write(close);
}

/**
 * Writes a body one literal per line, indented, after an opening line the caller
 * has written (`... {`, `[x |`); the caller then writes the closing bracket.
 * `end` is the offset of the closing bracket: comments before it stay inside.
 * A blank line between literals in the source is kept (collapsed to one).
 */
export function writeBlock(p: Printer, body: Body, end: number): void {
  p.indent();
  let prevEnd = -1;
  for (const lit of body) {
    prevEnd = p.leading(lit.loc.offset, prevEnd);
    if (prevEnd >= 0 && lit.loc.line - prevEnd > 1) p.blank();
    // A line starting with `-` would continue the previous literal as a subtraction.
    p.bracketNext = prevEnd >= 0 ? leadingMinus(lit) : undefined;
    writeLiteral(p, lit);
    p.bracketNext = undefined;
    p.lastLine = lit.loc.endLine;
    prevEnd = Math.max(prevEnd, lit.loc.endLine);
  }
  p.leading(end, prevEnd);
  p.dedent();
}

/** the term a literal's text starts with, when that text would start with `-` */
function leadingMinus(lit: Literal): Term | undefined {
  if (lit.negated) return undefined;
  const s = lit.stmt;
  let t: Term;
  if (s.type === 'term') t = s.term.type === 'membership' ? (s.term.key ?? s.term.value) : s.term;
  else if (s.type === 'assign' || s.type === 'unify') t = s.lhs;
  else return undefined;
  // descend to the leftmost operand, stopping where the printer brackets anyway
  for (let i = 0; i < 10_000; i++) {
    if (t.type === 'binary') {
      const left: Term = t.left;
      if (left.type === 'membership' || (left.type === 'binary' && PRECEDENCE[left.op] < PRECEDENCE[t.op])) return undefined;
      t = left;
    } else if (t.type === 'ref' && t.head.type !== 'binary' && t.head.type !== 'membership' && t.head.type !== 'unary') t = t.head;
    else break;
  }
  return t.type === 'unary' || (t.type === 'number' && t.raw.startsWith('-')) ? t : undefined;
}

export function writeLiteral(p: Printer, lit: Literal): void {
  if (lit.negated) p.write('not ');
  const s = lit.stmt;
  switch (s.type) {
    case 'term':
      writeTerm(p, s.term, KV);
      break;
    case 'assign':
    case 'unify':
      writeTerm(p, s.lhs);
      p.write(s.type === 'assign' ? ' := ' : ' = ');
      writeTerm(p, s.rhs);
      break;
    case 'some':
      p.write('some ');
      s.vars.forEach((v, i) => {
        if (i > 0) p.write(', ');
        writeTerm(p, v);
      });
      break;
    case 'somein':
      p.write('some ');
      writeMembership(p, s.key, s.value, s.collection);
      break;
    case 'every': {
      p.write('every ');
      if (s.key) {
        writeTerm(p, s.key);
        p.write(', ');
      }
      writeTerm(p, s.value);
      p.write(' in ');
      writeMembershipOperand(p, s.domain);
      if (p.flat) {
        p.write(' { ');
        s.body.forEach((l, i) => {
          if (i > 0) p.write('; ');
          writeLiteral(p, l);
        });
        p.write(' }');
        break;
      }
      p.write(' {');
      writeBlock(p, s.body, lit.with[0]?.loc.offset ?? lit.loc.endOffset);
      p.write('}');
      break;
    }
  }
  writeWiths(p, lit.with);
}

/**
 * `with` modifiers follow the expression on its line; with two or more, the second and
 * later ones go one per line, indented, when the source put any of them on a line of
 * its own, a comment sits among them, or the line would not fit.
 */
function writeWiths(p: Printer, withs: readonly WithModifier[]): void {
  const first = withs[0];
  const last = withs[withs.length - 1];
  if (first === undefined || last === undefined) return;
  const broken =
    !p.flat &&
    withs.length > 1 &&
    (withs.some((w, i) => i > 0 && w.loc.line > withs[i - 1]!.loc.endLine) ||
      p.hasCommentBefore(last.loc.endOffset) ||
      p.column() + withs.reduce((n, w) => n + 10 + flatText(w.target).length + flatText(w.value).length, 0) > MAX_WIDTH);
  writeWith(p, first);
  if (!broken) {
    for (const w of withs.slice(1)) writeWith(p, w);
    return;
  }
  p.indent();
  for (const w of withs.slice(1)) {
    p.leading(w.loc.offset);
    p.write('with ');
    writeWithParts(p, w);
  }
  p.dedent();
}

function writeWith(p: Printer, w: WithModifier): void {
  p.write(' with ');
  writeWithParts(p, w);
}

function writeWithParts(p: Printer, w: WithModifier): void {
  writeTerm(p, w.target);
  p.write(' as ');
  writeTerm(p, w.value);
}
