// Turning lexer and parser errors into diagnostics in plain words.

import type { ILexingError, IRecognitionException, IToken } from 'chevrotain';
import type { Location } from '../ast.js';
import { error, type Diagnostic } from '../diagnostics.js';

/** Maps offsets to 1-based line/col for positions that have no token (end of file). */
export class LineIndex {
  private starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  loc(file: string, offset: number, length = 0): Location {
    const start = this.pos(offset);
    const end = this.pos(offset + length);
    return { file, line: start.line, col: start.col, endLine: end.line, endCol: end.col, offset, endOffset: offset + length };
  }
  private pos(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.starts[lo]! + 1 };
  }
}

export function tokenLoc(file: string, t: IToken): Location {
  return {
    file,
    line: t.startLine!,
    col: t.startColumn!,
    endLine: t.endLine!,
    endCol: t.endColumn! + 1,
    offset: t.startOffset,
    endOffset: t.endOffset! + 1,
  };
}

function isEof(t: IToken): boolean {
  return t.tokenType.name === 'EOF' || Number.isNaN(t.startOffset);
}

export function lexerDiagnostic(e: ILexingError, file: string, lines: LineIndex): Diagnostic {
  const ch = lines.text.slice(e.offset, e.offset + Math.min(e.length, 1));
  const shown = ch === '\t' ? '\\t' : /[\x00-\x1f\x7f]/.test(ch) ? `U+${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : ch;
  const hint = ch === '!' ? 'negation is written `not`; inequality is `!=`' : undefined;
  return error('parse_error', `unexpected character \`${shown}\``, lines.loc(file, e.offset, Math.max(1, Math.min(e.length, 1))), hint ? { hint } : undefined);
}

/** Diagnostics for tokens the lexer accepted only to report them (unterminated strings). */
export function badTokenDiagnostic(t: IToken, file: string): Diagnostic | undefined {
  switch (t.tokenType.name) {
    case 'UnterminatedString':
      return error('parse_error', 'unterminated string', tokenLoc(file, t), { hint: 'close the string with `"` on the same line; use a raw string (`...`) for text over several lines' });
    case 'SingleQuotedString':
      return error('parse_error', 'strings are written with double quotes', tokenLoc(file, t), { hint: 'write "..." (JSON escapes) or `...` (raw)' });
    case 'UnterminatedRawString':
      return error('parse_error', 'unterminated raw string', tokenLoc(file, t), { hint: 'close the raw string with a backtick (`)' });
    default:
      return undefined;
  }
}

interface Encoded {
  expected: string[];
  rule: string;
  redundant?: boolean;
}

const KEYWORDS = new Set(['Package', 'Import', 'As', 'Default', 'If', 'Else', 'Contains', 'Some', 'In', 'Every', 'Not', 'With', 'True', 'False', 'Null']);

const TERM_STARTS = ['a term', 'a name', 'a number', 'a string', '`[`', '`{`', '`(`', '`-`', '`null`', '`true`', '`false`', '`contains`'];
const LITERAL_STARTS = new Set([...TERM_STARTS, '`not`', '`some`', '`every`']);

/** Token labels, with the many ways to start a term said once as "an expression". */
function readableExpected(expected: string[]): string[] {
  const out = [...new Set(expected)];
  if (!out.includes('a term')) return out;
  return ['an expression', ...out.filter((e) => !TERM_STARTS.includes(e))];
}

function describeToken(t: IToken): string {
  if (isEof(t)) return 'end of file';
  const kind = t.tokenType.name;
  const image = t.image.length > 24 ? t.image.slice(0, 24) + '…' : t.image;
  if (kind === 'QuotedString' || kind === 'RawString' || kind.startsWith('Unterminated')) return `string ${image.split('\n')[0]}`;
  if (kind === 'Number') return `number \`${image}\``;
  if (KEYWORDS.has(kind)) return `keyword \`${image}\``;
  return `\`${image}\``;
}

/** A syntax error from the parser, in plain words. */
export function parserDiagnostic(e: IRecognitionException, file: string, lines: LineIndex, previous: IToken | undefined): Diagnostic {
  let enc: Encoded;
  try {
    enc = JSON.parse(e.message) as Encoded;
  } catch {
    enc = { expected: [], rule: '' };
  }
  const t = e.token;
  const eof = isEof(t);
  // End of file is reported just after the last token, where something is missing.
  const loc = eof ? lines.loc(file, previous && !isEof(previous) ? previous.endOffset! + 1 : 0) : tokenLoc(file, t);
  const expected = readableExpected(enc.expected);
  const ruleStack = e.context?.ruleStack ?? [];
  const extra: Partial<Diagnostic> = expected.length > 0 ? { expected } : {};

  if (previous && previous.tokenType.name === 'If' && ruleStack.includes('ruleBody')) {
    return error('parse_error', 'expected a rule body after `if`', loc, { ...extra, hint: 'write `if { ... }` or `if <expression>`' });
  }
  if (enc.rule === 'statements' && !enc.redundant && (t.tokenType.name === 'Ident' || t.tokenType.name === 'Classifier')) {
    return error('parse_error', `incomplete rule \`${t.image}\``, loc, {
      expected: ['`:=`', '`=`', '`contains`', '`if`'],
      hint: 'a rule is written `p := <value>`, `p if { ... }` or `p contains <value> if { ... }`',
    });
  }
  if (eof) {
    const open = expected.find((x) => x === '`}`' || x === '`]`' || x === '`)`');
    return error('parse_error', open ? `unexpected end of file: missing ${open}` : 'unexpected end of file', loc, extra);
  }
  let message = `unexpected ${describeToken(t)}`;
  let hint: string | undefined;
  const sameLine = previous !== undefined && !isEof(previous) && previous.endLine === t.startLine;
  const top = ruleStack[ruleStack.length - 1];
  const afterLiteral = (top === 'braceBody' && expected.includes('`}`')) || enc.rule === 'queryEntry';
  if (t.tokenType.name === 'RCurly' && previous?.tokenType.name === 'LCurly' && top === 'literal' && ruleStack.includes('braceBody')) {
    return error('parse_error', 'empty body: a body needs at least one expression', loc, extra);
  }
  if (sameLine && afterLiteral && LITERAL_STARTS.has(labelOf(t))) {
    hint = 'expressions in a body are separated by a newline or `;`';
  } else if (enc.redundant && (enc.rule === 'statements' || enc.rule === 'module')) {
    message = `unexpected ${describeToken(t)}: expected a rule, import or classifier declaration`;
  }
  if (enc.redundant) delete extra.expected;
  return error('parse_error', message, loc, hint ? { ...extra, hint } : extra);
}

function labelOf(t: IToken): string {
  return t.tokenType.LABEL ?? t.tokenType.name;
}
