// Runs OPA's Rego conformance cases (YAML, see ../shared/opa-conformance/README.md)
// through our parser, compiler and evaluator. A case is a pass, a failure with a
// one-line reason, or skipped because it needs something outside railgate's language.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { parseBody, parseModule } from '../../src/lang/parse.js';
import type { Module } from '../../src/lang/ast.js';
import type { Diagnostic } from '../../src/lang/diagnostics.js';
import { compile, EvalError, formatEvalError } from '../../src/compiler/index.js';
import { BUILTINS } from '../../src/runtime/builtins/index.js';
import { canonical, fromJSON, toJSON, type Value } from '../../src/runtime/value.js';

export interface ConformanceCase {
  /** path of the YAML file relative to the conformance dir */
  file: string;
  category: string;
  note: string;
  raw: RawCase;
}

export interface RawCase {
  note: string;
  query: string;
  modules?: string[];
  data?: unknown;
  input?: unknown;
  input_term?: string;
  want_result?: Array<Record<string, unknown>>;
  sort_bindings?: boolean;
  want_error_code?: string;
  want_error?: string;
  strict_error?: boolean;
}

export type Outcome = { status: 'pass' } | { status: 'fail'; reason: string; detail?: string } | { status: 'skip'; reason: string };

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function conformanceDir(): string {
  return process.env.RAILGATE_CONFORMANCE_DIR ?? path.resolve(repoRoot, '../shared/opa-conformance');
}

function yamlFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(dir, r)).isDirectory()) out.push(...yamlFiles(dir, r));
    else if (name.endsWith('.yaml') || name.endsWith('.yml')) out.push(r);
  }
  return out;
}

export function loadCases(dir = conformanceDir()): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const file of yamlFiles(dir)) {
    const doc = parseYaml(readFileSync(path.join(dir, file), 'utf8'), { intAsBigInt: false }) as { cases?: RawCase[] };
    for (const raw of doc?.cases ?? []) {
      out.push({ file, category: file.split('/')[0]!, note: raw.note, raw });
    }
  }
  return out;
}

// ---------------------------------------------------------------- skipping

const UNSUPPORTED: Array<[RegExp, string]> = [
  [/\bhttp\.send\b/, 'http.send is not part of railgate'],
  [/\bio\.jwt\./, 'io.jwt.* is not part of railgate'],
  [/\bopa\.runtime\b/, 'opa.runtime is not part of railgate'],
  [/import\s+rego\.v2/, 'rego.v2 is not supported'],
  [/import\s+future\.keywords\.not/, 'future.keywords.not is not supported'],
];

function unsupported(c: RawCase): string | undefined {
  const text = [...(c.modules ?? []), c.query].join('\n');
  for (const [re, why] of UNSUPPORTED) if (re.test(text)) return why;
  // railgate numbers are float64 (exact to 2^53); OPA's are arbitrary precision
  if (/\d{16,}/.test(text + JSON.stringify(c.want_result ?? null))) return 'integers beyond float64 precision';
  return undefined;
}

/** A diagnostic that means the case needs a builtin railgate does not have. */
function missingBuiltin(diags: Diagnostic[]): string | undefined {
  for (const d of diags) {
    if (d.code !== 'undefined_function') continue;
    const m = /(?:function|builtin) ([\w.]+)/.exec(d.message);
    if (m && !BUILTINS.has(m[1]!) && /^[a-z]+\./.test(m[1]!) && !m[1]!.startsWith('data.')) return `builtin ${m[1]} is not available`;
  }
  return undefined;
}

// ---------------------------------------------------------------- errors

const OPA_CODES: Record<string, string> = {
  parse_error: 'rego_parse_error',
  unsafe_var: 'rego_unsafe_var_error',
  recursion: 'rego_recursion_error',
  type_error: 'rego_type_error',
};

function opaCode(code: string): string {
  return OPA_CODES[code] ?? 'rego_compile_error';
}

interface Failure {
  code: string;
  message: string;
}

function diagFailure(diags: Diagnostic[]): Failure {
  const d = diags.find((x) => x.severity === 'error') ?? diags[0]!;
  const where = d.loc ? `${d.loc.file}:${d.loc.line}: ` : '';
  return { code: opaCode(d.code), message: `${where}${opaCode(d.code)}: ${d.message}` };
}

// ---------------------------------------------------------------- results

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) o[k] = sortDeep((v as Record<string, unknown>)[k]);
    return o;
  }
  return v;
}

function rowKey(row: Record<string, unknown>, sortBindings: boolean): string {
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(row).sort()) {
    let v = row[k];
    if (sortBindings && Array.isArray(v)) v = [...v].sort((a, b) => (canonical(fromJSON(a)) < canonical(fromJSON(b)) ? -1 : 1));
    o[k] = v;
  }
  return JSON.stringify(sortDeep(o));
}

function ourRow(row: Map<string, Value>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of row) o[k] = toJSON(v);
  return o;
}

// ---------------------------------------------------------------- running

/** Runs one case. Never throws. */
export function runCase(cc: ConformanceCase): Outcome {
  try {
    return runInner(cc.raw);
  } catch (e) {
    return { status: 'fail', reason: `crashed: ${e instanceof Error ? e.message : String(e)}`, detail: e instanceof Error ? e.stack : undefined };
  }
}

function runInner(c: RawCase): Outcome {
  const why = unsupported(c);
  if (why) return { status: 'skip', reason: why };

  const modules: Module[] = [];
  const diags: Diagnostic[] = [];
  (c.modules ?? []).forEach((text, i) => {
    const r = parseModule(text, `test-${i}.rego`);
    diags.push(...r.diagnostics);
    if (r.module) modules.push(r.module);
  });
  const q = parseBody(c.query, 'query.rego');
  diags.push(...q.diagnostics);
  if (diags.some((d) => d.severity === 'error') || !q.body) return expectFailure(c, diagFailure(diags), diags);

  const { policy, diagnostics } = compile(modules);
  if (!policy) {
    const missing = missingBuiltin(diagnostics);
    if (missing) return { status: 'skip', reason: missing };
    return expectFailure(c, diagFailure(diagnostics), diagnostics);
  }

  let input: Value | undefined = c.input === undefined ? undefined : fromJSON(c.input);
  const data = c.data === undefined ? undefined : fromJSON(c.data);
  let rows: Array<Map<string, Value>>;
  try {
    if (c.input_term !== undefined) {
      const t = parseBody(`input_term_value = ${c.input_term}`, 'input.rego');
      if (!t.body) return expectFailure(c, diagFailure(t.diagnostics), t.diagnostics);
      input = policy.query(t.body)[0]?.get('input_term_value');
    }
    rows = policy.query(q.body, { input, data, strict: c.strict_error ?? false });
  } catch (e) {
    if (e instanceof EvalError) return expectFailure(c, { code: e.code, message: formatEvalError(e) });
    const d = (e as { diagnostics?: Diagnostic[] }).diagnostics;
    if (d) {
      const missing = missingBuiltin(d);
      if (missing) return { status: 'skip', reason: missing };
      return expectFailure(c, diagFailure(d), d);
    }
    throw e;
  }

  if (c.want_error_code || c.want_error) {
    return { status: 'fail', reason: `expected error ${c.want_error_code ?? ''} ${c.want_error ?? ''} but got ${rows.length} result(s)`.replace(/\s+/g, ' ') };
  }
  if (!c.want_result) return { status: 'fail', reason: 'case has neither want_result nor want_error' };
  const sortB = c.sort_bindings ?? false;
  const want = new Set(c.want_result.map((r) => rowKey((toJSON(fromJSON(r)) as Record<string, unknown>) ?? {}, sortB)));
  const got = new Set(rows.map((r) => rowKey(ourRow(r), sortB)));
  const missing = [...want].filter((w) => !got.has(w));
  const extra = [...got].filter((g) => !want.has(g));
  if (missing.length === 0 && extra.length === 0) return { status: 'pass' };
  const brief = (xs: string[]) => xs.slice(0, 2).join(' ').slice(0, 200);
  return {
    status: 'fail',
    reason: missing.length && extra.length ? `got ${brief(extra)}, want ${brief(missing)}` : missing.length ? `missing ${brief(missing)}` : `unexpected ${brief(extra)}`,
    detail: `want: ${[...want].join('\n      ')}\ngot:  ${[...got].join('\n      ')}`,
  };
}

function expectFailure(c: RawCase, f: Failure, diags?: Diagnostic[]): Outcome {
  const detail = diags?.map((d) => `${d.loc ? `${d.loc.file}:${d.loc.line}:${d.loc.col}: ` : ''}${d.code}: ${d.message}`).join('\n');
  if (!c.want_error_code && !c.want_error) return { status: 'fail', reason: `unexpected error: ${f.message}`.slice(0, 300), detail };
  if (c.want_error_code && c.want_error_code !== f.code) return { status: 'fail', reason: `error code ${f.code}, want ${c.want_error_code}: ${f.message}`.slice(0, 300), detail };
  if (c.want_error && !f.message.includes(c.want_error)) return { status: 'fail', reason: `error "${f.message}" lacks "${c.want_error}"`.slice(0, 300), detail };
  return { status: 'pass' };
}
