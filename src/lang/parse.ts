// The parser's public API: source text in, AST and diagnostics out. Never throws.
//
// Pipeline: lex (grammar/lexer.ts) → CST (grammar/parser.ts) → AST (parse/visitor.ts).
// Recovery: a syntax error ends the statement it is in; parsing resumes at the next
// line that starts in column 1 with something that can begin a statement (a rule,
// `import`, `classifier`, `default`), so each broken rule is reported once and the
// rules after it are still checked. An AST is returned only when there is no error.

import type { CstNode, IToken } from 'chevrotain';
import {
  gateLexer,
  LBrack,
  LCurly,
  LParen,
  RBrack,
  RCurly,
  RParen,
  SingleQuotedString,
  UnterminatedRawString,
  UnterminatedString,
} from '../../grammar/lexer.js';
import { gateParser } from '../../grammar/parser.js';
import type { Body, Comment, Location, Module, Term } from './ast.js';
import { error, type Diagnostic } from './diagnostics.js';
import { badTokenDiagnostic, lexerDiagnostic, LineIndex, parserDiagnostic, tokenLoc } from './parse/errors.js';
import { AstBuilder } from './parse/visitor.js';

export interface ParseModuleResult {
  module?: Module;
  diagnostics: Diagnostic[];
}
export interface ParseBodyResult {
  body?: Body;
  diagnostics: Diagnostic[];
}
export interface ParseTermResult {
  term?: Term;
  diagnostics: Diagnostic[];
}

/** Parses a whole `.gate` module. `module` is set exactly when there are no errors. */
export function parseModule(text: string, file: string): ParseModuleResult {
  return guarded(text, file, () => parseModuleInner(text, file));
}

/** Parses a query such as `data.a.b = x; y := count(x)`. */
export function parseBody(text: string, file = '<query>'): ParseBodyResult {
  return guarded(text, file, () => {
    const r = parseEntry(text, file, 'queryEntry');
    if (!r.cst) return { diagnostics: r.diagnostics };
    const builder = new AstBuilder(file);
    const body = builder.query(r.cst.children.query![0] as CstNode);
    return finish({ body }, [...r.diagnostics, ...builder.diagnostics]);
  });
}

/** Parses a single term such as `{"a": {1, 2}}`. */
export function parseTerm(text: string, file = '<term>'): ParseTermResult {
  return guarded(text, file, () => {
    const r = parseEntry(text, file, 'termEntry');
    if (!r.cst) return { diagnostics: r.diagnostics };
    const builder = new AstBuilder(file);
    const term = builder.expr(r.cst.children.expr![0] as CstNode);
    return finish({ term }, [...r.diagnostics, ...builder.diagnostics]);
  });
}

// ------------------------------------------------------------ internals

function guarded<R extends { diagnostics: Diagnostic[] }>(text: string, file: string, run: () => R): R {
  try {
    if (typeof text !== 'string') return { diagnostics: [error('parse_error', 'source is not text', startOf(file))] } as unknown as R;
    return run();
  } catch (e) {
    // A bug in the parser must not take down the caller: report it where it happened.
    const msg = e instanceof Error ? e.message : String(e);
    return { diagnostics: [error('parse_error', `internal parser error: ${msg}`, startOf(file), { hint: 'please report this with the file that caused it' })] } as unknown as R;
  }
}

function startOf(file: string): Location {
  return { file, line: 1, col: 1, endLine: 1, endCol: 1, offset: 0, endOffset: 0 };
}

function finish<R extends object>(result: R, diagnostics: Diagnostic[]): R & { diagnostics: Diagnostic[] } {
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics } as R & { diagnostics: Diagnostic[] };
  return { ...result, diagnostics };
}

/**
 * Parsing and building the AST recurse once per bracket level; real policies nest a
 * handful deep, so a cap keeps hostile input far from the call-stack limit.
 */
const MAX_NESTING = 200;

/** Each syntax error re-parses the rest of the file; past this many, the rest is noise. */
const MAX_SYNTAX_ERRORS = 50;

interface Lexed {
  tooDeep: boolean;
  tokens: IToken[];
  comments: Comment[];
  diagnostics: Diagnostic[];
  lines: LineIndex;
}

function lex(text: string, file: string): Lexed {
  const lines = new LineIndex(text);
  const result = gateLexer.tokenize(text);
  const diagnostics: Diagnostic[] = [];
  for (const e of result.errors) diagnostics.push(lexerDiagnostic(e, file, lines));
  let depth = 0;
  let tooDeep = false;
  for (const t of result.tokens) {
    const tt = t.tokenType;
    if (tt === LParen || tt === LBrack || tt === LCurly) {
      if (++depth > MAX_NESTING && !tooDeep) {
        tooDeep = true;
        diagnostics.push(error('parse_error', `brackets nested more than ${MAX_NESTING} deep`, tokenLoc(file, t), { hint: 'split the expression into named rules or local variables' }));
      }
    } else if (tt === RParen || tt === RBrack || tt === RCurly) {
      if (depth > 0) depth--;
    } else if (tt === UnterminatedString || tt === UnterminatedRawString || tt === SingleQuotedString) {
      const d = badTokenDiagnostic(t, file);
      if (d) diagnostics.push(d);
    }
  }
  const comments: Comment[] = [];
  for (const c of result.groups.comments ?? []) {
    let textAfterHash = c.image.slice(1);
    if (textAfterHash.endsWith('\r')) textAfterHash = textAfterHash.slice(0, -1);
    comments.push({ text: textAfterHash, loc: tokenLoc(file, c) });
  }
  return { tokens: result.tokens, comments, diagnostics, lines, tooDeep };
}

function parseEntry(text: string, file: string, entry: 'queryEntry' | 'termEntry'): { cst?: CstNode; diagnostics: Diagnostic[] } {
  const lexed = lex(text, file);
  if (lexed.tooDeep) return { diagnostics: lexed.diagnostics };
  const parser = gateParser();
  parser.begin(lexed.tokens);
  const cst = parser[entry]();
  const diagnostics = [...lexed.diagnostics, ...softDiagnostics(parser.softErrors, file)];
  if (parser.errors.length > 0) {
    const e = parser.errors[0]!;
    diagnostics.push(parserDiagnostic(e, file, lexed.lines, previousOf(lexed.tokens, e.token)));
    return { diagnostics: dedupe(diagnostics) };
  }
  return { cst, diagnostics };
}

function parseModuleInner(text: string, file: string): ParseModuleResult {
  const lexed = lex(text, file);
  const { tokens, lines } = lexed;
  const diagnostics: Diagnostic[] = [...lexed.diagnostics];
  if (lexed.tooDeep) return { diagnostics: dedupe(diagnostics) };
  const parser = gateParser();
  parser.begin(tokens);

  if (tokens.length === 0 || tokens[0]!.tokenType.name !== 'Package') {
    const loc = tokens.length > 0 ? tokenLoc(file, tokens[0]!) : lines.loc(file, 0);
    diagnostics.push(error('parse_error', 'a module must start with a `package` declaration', loc, { hint: 'add a first line such as `package app.rules`' }));
    if (tokens.length > 0) visitTail(parseStatementsFrom(tokens, 0, -1, file, lines, diagnostics), file, diagnostics);
    diagnostics.push(...softDiagnostics(parser.softErrors, file), ...importDiagnostics(parser.importNodes, file));
    return { diagnostics: dedupe(diagnostics) };
  }

  const cst = parser.module();
  if (parser.errors.length > 0) {
    const e = parser.errors[0]!;
    diagnostics.push(parserDiagnostic(e, file, lines, previousOf(tokens, e.token)));
    const next = resyncIndex(tokens, indexOf(tokens, e.token), 0);
    if (next !== undefined) visitTail(parseStatementsFrom(tokens, next, 0, file, lines, diagnostics), file, diagnostics);
    diagnostics.push(...softDiagnostics(parser.softErrors, file), ...importDiagnostics(parser.importNodes, file));
    return { diagnostics: dedupe(diagnostics) };
  }

  diagnostics.push(...softDiagnostics(parser.softErrors, file));
  const builder = new AstBuilder(file);
  const module = builder.module(cst, lexed.comments, text);
  diagnostics.push(...builder.diagnostics);
  return finish({ module }, dedupe(diagnostics));
}

/**
 * Parses statements from `start`, reporting one error per broken statement. Returns
 * the CST of the last stretch when it parsed cleanly.
 */
function parseStatementsFrom(tokens: IToken[], start: number, prevStart: number, file: string, lines: LineIndex, diagnostics: Diagnostic[]): CstNode | undefined {
  const parser = gateParser();
  let from: number | undefined = start;
  let last = prevStart;
  let reported = prevStart < 0 ? 0 : 1; // the module parse already reported one
  // Each round starts strictly after the previous one, so this ends within tokens.length
  // rounds; the cap bounds the work on files that are mostly errors.
  while (from !== undefined && from > last && from < tokens.length) {
    if (++reported > MAX_SYNTAX_ERRORS) {
      diagnostics.push(error('parse_error', `too many syntax errors: stopped after ${MAX_SYNTAX_ERRORS}`, tokenLoc(file, tokens[from]!)));
      return undefined;
    }
    // Not begin(): soft errors and imports found so far are kept.
    parser.input = from === 0 ? tokens : tokens.slice(from);
    const cst = parser.statements();
    if (parser.errors.length === 0) return cst;
    const e = parser.errors[0]!;
    diagnostics.push(parserDiagnostic(e, file, lines, previousOf(tokens, e.token)));
    last = from;
    from = resyncIndex(tokens, indexOf(tokens, e.token), from);
  }
  return undefined;
}

/** The rules after the last syntax error still get the AST builder's checks. */
function visitTail(cst: CstNode | undefined, file: string, diagnostics: Diagnostic[]): void {
  if (!cst) return;
  const builder = new AstBuilder(file);
  const scratch: Module = {
    type: 'module',
    file,
    package: [],
    packageLoc: startOf(file),
    imports: [],
    rules: [],
    classifiers: [],
    comments: [],
    loc: startOf(file),
  };
  builder.statements(cst, scratch);
  diagnostics.push(...builder.diagnostics);
}

const STATEMENT_STARTS = new Set(['Ident', 'Classifier', 'Default', 'Import', 'Package']);

/** The next token after an error that plausibly starts a statement: first on its line, column 1. */
function resyncIndex(tokens: IToken[], errorIdx: number, segmentStart: number): number | undefined {
  if (errorIdx < 0) return undefined;
  for (let i = Math.max(errorIdx, segmentStart + 1); i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.startColumn !== 1 || !STATEMENT_STARTS.has(t.tokenType.name)) continue;
    if (i > 0 && tokens[i - 1]!.endLine! >= t.startLine!) continue;
    return i;
  }
  return undefined;
}

/** Index of a token in the token vector (by offset; -1 for end of file). */
function indexOf(tokens: IToken[], t: IToken): number {
  if (Number.isNaN(t.startOffset)) return -1;
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const off = tokens[mid]!.startOffset;
    if (off === t.startOffset) return mid;
    if (off < t.startOffset) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function previousOf(tokens: IToken[], t: IToken): IToken | undefined {
  if (Number.isNaN(t.startOffset)) return tokens[tokens.length - 1];
  const i = indexOf(tokens, t);
  return i > 0 ? tokens[i - 1] : undefined;
}

function softDiagnostics(soft: ReadonlyArray<{ message: string; token: IToken; hint?: string }>, file: string): Diagnostic[] {
  return soft.map((s) => error('parse_error', s.message, tokenLoc(file, s.token), s.hint ? { hint: s.hint } : undefined));
}

/** Problems in the import declarations that parsed, when the module as a whole did not. */
function importDiagnostics(importNodes: CstNode[], file: string): Diagnostic[] {
  const builder = new AstBuilder(file);
  for (const n of importNodes) builder.importDecl(n);
  return builder.diagnostics;
}

/**
 * One diagnostic per position, in source order. A bad character is dropped by the
 * lexer, which usually breaks the expression around it: the syntax error that follows
 * on the same line is a consequence, not news, so it is left out.
 */
function dedupe(diags: Diagnostic[]): Diagnostic[] {
  const sorted = [...diags].sort((a, b) => (a.loc?.offset ?? 0) - (b.loc?.offset ?? 0));
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  let lexLine = -1;
  for (const d of sorted) {
    const key = `${d.loc?.offset ?? -1}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (d.message.startsWith('unexpected character')) lexLine = d.loc?.line ?? -1;
    else if (d.loc && d.loc.line === lexLine && d.message.startsWith('unexpected ')) continue;
    out.push(d);
  }
  return out;
}

