// Table-driven checker tests over parsed sources. A case lists its files and the
// diagnostics it expects, in order; each expectation names where it points by a
// snippet of the source with `|` marking the column (no `|` means the snippet's start).
import { expect } from 'vitest';
import type { ClassifierDecl, Module } from '../../../src/lang/ast.js';
import { check } from '../../../src/lang/check/index.js';
import { formatDiagnostic, type Diagnostic, type DiagnosticCode } from '../../../src/lang/diagnostics.js';
import { parseModule } from '../../../src/lang/parse.js';
import { BUILTIN_SIGNATURES, CLASSIFIER_NAMES } from './builtins-fixture.js';

export interface Want {
  code: DiagnosticCode;
  /** a snippet of the file's text; `|` marks the expected column */
  at: string;
  /** the n-th occurrence of the snippet (0-based) */
  nth?: number;
  file?: string;
  /** substring of the message */
  msg: string;
  hint?: string;
  warning?: boolean;
}

export interface Case {
  name: string;
  /** one source (file a.gate) or several by file name */
  src: string | Record<string, string>;
  want: Want[];
  validateClassifier?: (decl: ClassifierDecl) => Diagnostic[];
}

export function parseAll(files: Record<string, string>): Module[] {
  return Object.entries(files).map(([file, text]) => {
    const r = parseModule(text, file);
    if (!r.module) throw new Error(`test source ${file} does not parse:\n${r.diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`);
    return r.module;
  });
}

export function position(text: string, snippet: string, nth = 0): { line: number; col: number } {
  const marker = snippet.indexOf('|');
  const plain = snippet.replace('|', '');
  let idx = -1;
  for (let i = 0; i <= nth; i++) {
    idx = text.indexOf(plain, idx + 1);
    if (idx < 0) throw new Error(`snippet ${JSON.stringify(plain)} (#${nth}) not in source`);
  }
  const at = idx + Math.max(0, marker);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, col: at - before.lastIndexOf('\n') };
}

export function runCase(c: Case): void {
  const files = typeof c.src === 'string' ? { 'a.gate': c.src } : c.src;
  const diags = check(parseAll(files), {
    builtins: BUILTIN_SIGNATURES,
    classifierNames: CLASSIFIER_NAMES,
    ...(c.validateClassifier ? { validateClassifier: c.validateClassifier } : {}),
  });
  const shown = diags.map((d) => formatDiagnostic(d, new Map(Object.entries(files)))).join('\n');
  const got = diags.map((d) => ({ code: d.code, file: d.loc?.file, line: d.loc?.line, col: d.loc?.col, severity: d.severity }));
  const want = c.want.map((w) => {
    const file = w.file ?? 'a.gate';
    return { code: w.code, file, ...position(files[file]!, w.at, w.nth), severity: w.warning ? 'warning' : 'error' };
  });
  expect(got, shown).toEqual(want);
  c.want.forEach((w, i) => {
    expect(diags[i]!.message, shown).toContain(w.msg);
    if (w.hint !== undefined) expect(diags[i]!.hint ?? '', shown).toContain(w.hint);
  });
}
