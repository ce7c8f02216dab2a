import type { Location } from './ast.js';

// Every problem the toolchain reports is a Diagnostic value: a code a program can
// switch on, a message a person can act on, and where it is. Errors are values, not
// exceptions, until they reach the shell (CLI, proxy) that decides how to show them.

export type DiagnosticCode =
  | 'parse_error'
  | 'type_error'
  | 'unsafe_var'
  | 'undefined_ref'
  | 'undefined_function'
  | 'arity_error'
  | 'recursion'
  | 'conflict'
  | 'classifier_error'
  | 'import_error'
  | 'rule_error'
  | 'io_error';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  loc?: Location;
  /** for parse errors: what the parser would have accepted here */
  expected?: string[];
  /** a suggestion of how to fix it */
  hint?: string;
}

export function error(code: DiagnosticCode, message: string, loc?: Location, extra?: Partial<Diagnostic>): Diagnostic {
  return { code, severity: 'error', message, ...(loc ? { loc } : {}), ...extra };
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** Source lines longer than this are shown around the column only. */
const MAX_SHOWN = 160;

/** Source texts by file name, so a diagnostic can show its line with a caret. */
export type Sources = ReadonlyMap<string, string>;

/**
 * `file:line:col: code: message`, then the source line and a caret under the
 * offending span, then `expected …` / `hint: …` when known.
 */
export function formatDiagnostic(d: Diagnostic, sources?: Sources): string {
  const where = d.loc ? `${d.loc.file}:${d.loc.line}:${d.loc.col}: ` : '';
  const lines = [`${where}${d.severity === 'warning' ? 'warning: ' : ''}${d.code}: ${d.message}`];
  const text = d.loc ? sources?.get(d.loc.file) : undefined;
  if (d.loc && text !== undefined) {
    const line = text.split(/\r?\n/)[d.loc.line - 1];
    if (line !== undefined) {
      const width = d.loc.endLine === d.loc.line ? Math.max(1, d.loc.endCol - d.loc.col) : Math.max(1, line.length - d.loc.col + 1);
      // a long line (generated or minified policy) is shown around the column only
      const from = line.length > MAX_SHOWN ? Math.max(0, d.loc.col - 1 - MAX_SHOWN / 2) : 0;
      const to = Math.min(line.length, from + MAX_SHOWN);
      const src = `${from > 0 ? '…' : ''}${line.slice(from, to)}${to < line.length ? '…' : ''}`;
      const prefix = `${from > 0 ? ' ' : ''}${line.slice(from, d.loc.col - 1).replace(/[^\t]/g, ' ')}`;
      lines.push(`  ${src}`, `  ${prefix}${'^'.repeat(Math.max(1, Math.min(width, to - d.loc.col + 1, 80)))}`);
    }
  }
  if (d.expected && d.expected.length > 0) lines.push(`  expected ${joinOr(d.expected)}`);
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  return lines.join('\n');
}

function joinOr(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** A failure the shell cannot recover from, carrying the diagnostics that explain it. */
export class DiagnosticsError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
    this.name = 'DiagnosticsError';
    this.diagnostics = diagnostics;
  }
}
