import type { Body, ClassifierDecl, ElseClause, Import, Rule, RuleHead } from '../ast.js';
import { MAX_WIDTH, Printer } from './printer.js';
import { isIdent, pathText, writeBlock, writeLiteral, writeParenthesized, writeTerm } from './terms.js';

// Top-level statements: imports, rules and classifier declarations.

export function writeImport(p: Printer, imp: Import): void {
  p.write(`import ${pathText(imp.path)}`);
  if (imp.alias !== undefined) p.write(` as ${imp.alias}`);
  p.lastLine = imp.loc.endLine;
}

function writeHead(p: Printer, h: RuleHead): void {
  p.write(h.name);
  h.ref.forEach((el, i) => {
    if (h.refDotted[i] && el.type === 'string' && isIdent(el.value)) p.write(`.${el.value}`);
    else {
      p.write('[');
      writeTerm(p, el);
      p.write(']');
    }
  });
  if (h.args) {
    p.write('(');
    h.args.forEach((a, i) => {
      if (i > 0) p.write(', ');
      writeTerm(p, a);
    });
    p.write(')');
  }
  if (h.key) {
    p.write(' contains ');
    writeTerm(p, h.key);
  }
  if (h.value) {
    p.write(` ${h.assign ?? ':='} `);
    writeTerm(p, h.value);
  }
  p.lastLine = h.loc.endLine;
}

/**
 * A rule. Its body is written `p if expr` when the source had one literal starting
 * on the head's last line, the rule has no `else`, no comment sits inside, and the
 * line fits; otherwise `p if {` with one literal per line `}`. A literal starting
 * with `{` always gets braces: `p if {x}` would read as a braced body.
 */
export function writeRule(p: Printer, r: Rule): void {
  if (r.isDefault) p.write('default ');
  writeHead(p, r.head);
  if (r.hasBody && !(r.elses.length === 0 && tryInlineBody(p, r))) {
    p.write(' if {');
    writeBody(p, r.body, r.elses[0]?.loc.offset, r.loc.endOffset);
  }
  r.elses.forEach((e, i) => writeElse(p, e, r.elses[i + 1]?.loc.offset, r.loc.endOffset));
  p.lastLine = r.loc.endLine;
}

/** a braced body after `if {`, up to and including its `}` */
function writeBody(p: Printer, body: Body, elseOffset: number | undefined, ruleEnd: number): void {
  if (elseOffset === undefined) {
    writeBlock(p, body, ruleEnd);
    p.write('}');
    return;
  }
  const brace = closingBrace(p.source, body, elseOffset);
  writeBlock(p, body, brace?.offset ?? elseOffset);
  p.write('}');
  if (brace) p.lastLine = brace.line;
}

/**
 * Where the `}` before an `else` is: the AST has no location for it. Between the
 * last literal and `else` there is only that brace, blanks and comments.
 */
function closingBrace(source: string | undefined, body: Body, elseOffset: number): { offset: number; line: number } | undefined {
  const last = body[body.length - 1];
  if (source === undefined || last === undefined) return undefined;
  let line = last.loc.endLine;
  for (let i = last.loc.endOffset; i < elseOffset && i < source.length; i++) {
    const ch = source[i];
    if (ch === '}') return { offset: i, line };
    if (ch === '\n') line++;
    else if (ch === '#') {
      const nl = source.indexOf('\n', i);
      if (nl < 0 || nl >= elseOffset) return undefined;
      i = nl - 1;
    } else if (ch !== ' ' && ch !== '\t' && ch !== '\r') return undefined;
  }
  return undefined;
}

function tryInlineBody(p: Printer, r: Rule): boolean {
  const lit = r.body[0];
  if (r.body.length !== 1 || lit === undefined) return false;
  if (lit.loc.line !== r.head.loc.endLine) return false;
  if (p.hasCommentWithin(r.head.loc.endOffset, r.loc.endOffset)) return false;
  const before = p.snapshot();
  p.write(' if ');
  const start = p.currentLine().length;
  writeLiteral(p, lit);
  const oneLine = p.lineCount() === before.lines;
  if (oneLine && p.column() <= MAX_WIDTH && !p.currentLine().startsWith('{', start)) return true;
  p.restore(before);
  return false;
}

function writeElse(p: Printer, e: ElseClause, nextElse: number | undefined, ruleEnd: number): void {
  // comments before `else` keep their place, so `else` starts a line of its own
  if (p.hasCommentBefore(e.loc.offset)) {
    p.leading(e.loc.offset);
    p.write('else');
  } else p.write(' else');
  if (e.value) {
    p.write(` ${e.assign ?? ':='} `);
    writeTerm(p, e.value);
  }
  if (e.hasBody) {
    p.lastLine = e.value?.loc.endLine ?? e.loc.line;
    p.write(' if {');
    writeBody(p, e.body, nextElse, ruleEnd);
  }
}

/** `classifier name {`, one clause per line, `}` (`{}` when empty) */
export function writeClassifier(p: Printer, c: ClassifierDecl): void {
  p.write(`classifier ${c.name} {`);
  if (c.clauses.length === 0 && !p.hasCommentWithin(c.loc.offset, c.loc.endOffset)) {
    p.write('}');
    p.lastLine = c.loc.endLine;
    return;
  }
  p.lastLine = c.loc.line;
  p.indent();
  let prevEnd = -1;
  for (const clause of c.clauses) {
    prevEnd = p.leading(clause.loc.offset, prevEnd);
    if (prevEnd >= 0 && clause.loc.line - prevEnd > 1) p.blank();
    p.write(clause.keyword);
    if (clause.arg) {
      p.write(' ');
      // the grammar reads a clause argument as a unary-level term
      if (clause.arg.type === 'binary' || clause.arg.type === 'membership') writeParenthesized(p, clause.arg);
      else writeTerm(p, clause.arg);
    }
    p.lastLine = clause.loc.endLine;
    prevEnd = Math.max(prevEnd, clause.loc.endLine);
  }
  p.leading(c.loc.endOffset, prevEnd);
  p.dedent();
  p.write('}');
  p.lastLine = c.loc.endLine;
}
