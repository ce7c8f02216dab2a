import type { Body, Rule } from '../../lang/ast.js';
import { formatDiagnostic, hasErrors } from '../../lang/diagnostics.js';
import { parseBody } from '../../lang/parse.js';
import { parseDataText, readDataFile } from '../../loader/index.js';
import { fromJSON, toJSON } from '../../runtime/value.js';
import type { TraceHooks } from '../../tester/types.js';
import { loadOrReport } from '../common.js';
import { formatDiagnostics } from '../diagnostics-output.js';
import { EXIT_ERROR, UsageError, type CliIO } from '../io.js';
import { parseDataRef, type RefPath } from '../ref.js';
import { runBundleEval, type BundleEvalOptions } from './eval-bundle.js';
import { printValue, reportEvalFailure, solutionsToJSON } from './eval-output.js';
import { compileSources, evaluatePath, evaluateQuery } from '../toolchain.js';

export interface EvalOptions {
  data: string[];
  /** evaluate a bundle archive (-b) instead of policies and data (-d) */
  bundle?: Omit<BundleEvalOptions, 'strict' | 'timeout'>;
  input?: string;
  explain: boolean;
  strict: boolean;
  timeout?: number;
}

interface Fired {
  path: string;
  file: string;
  line: number;
}

/** Records each rule that produced a value, once, in the order they fired. */
function explainer(): { hooks: TraceHooks; fired: Fired[] } {
  const fired: Fired[] = [];
  const seen = new Set<string>();
  return {
    fired,
    hooks: {
      ruleSucceeded(rule: Rule, path: readonly unknown[]) {
        const name = ['data', ...path.filter((p, i) => !(i === 0 && p === 'data'))].map(String).join('.');
        const key = `${name}\0${rule.loc.file}:${rule.loc.line}`;
        if (seen.has(key)) return;
        seen.add(key);
        fired.push({ path: name, file: rule.loc.file, line: rule.loc.line });
      },
    },
  };
}

const QUERY_FILE = '<query>';

/**
 * Prints the JSON value of a reference under data; exit 0 defined, 1 undefined,
 * 2 error. Anything that is not a plain data reference is run as a query body
 * (`x := data.a.b; x > 1`) and prints its solutions as an array of bindings.
 */
export async function runEval(io: CliIO, ref: string, opts: EvalOptions): Promise<number> {
  const parsed = parseDataRef(ref);
  let target: { path: RefPath } | { query: Body };
  if (parsed.ok) {
    target = { path: parsed.path };
  } else {
    const q = parseBody(ref, QUERY_FILE);
    if (!q.body) {
      io.err(`railgate: ${parsed.message}; nor is it a query:\n`);
      io.err(formatDiagnostics(q.diagnostics, new Map([[QUERY_FILE, ref]])));
      return EXIT_ERROR;
    }
    target = { query: q.body };
  }
  if (opts.bundle && opts.data.length > 0) {
    throw new UsageError('give either a bundle (-b) or policies and data (-d), not both', 'railgate eval -b bundle.tar.gz data.app.rbac.allow');
  }
  if (!opts.bundle && opts.data.length === 0) {
    throw new UsageError('nothing to evaluate: give policies or data with -d <path>, or a bundle with -b', 'railgate eval -d policies/ data.railgate.chat');
  }
  if (opts.bundle && opts.explain) throw new UsageError('--explain works with -d policies, not with a bundle');

  const doc = await readInput(io, opts.input);
  if (typeof doc === 'number') return doc;
  if (opts.bundle) {
    return runBundleEval(io, 'path' in target ? { path: target.path } : target, doc.json, {
      ...opts.bundle,
      strict: opts.strict,
      ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
    });
  }
  const ws = await loadOrReport(io, { paths: opts.data, allowData: true });
  if (typeof ws === 'number') return ws;
  const input = doc.json === undefined ? undefined : fromJSON(doc.json);

  const compiled = compileSources(ws.sources);
  if (compiled.diagnostics.length > 0) io.err(formatDiagnostics(compiled.diagnostics, ws.sources));
  if (!compiled.policy || hasErrors(compiled.diagnostics)) return EXIT_ERROR;

  const explain = opts.explain ? explainer() : undefined;
  const req = {
    data: fromJSON(ws.data),
    ...(input !== undefined ? { input } : {}),
    ...(explain ? { tracer: explain.hooks } : {}),
    ...(opts.timeout !== undefined ? { timeoutMs: opts.timeout } : {}),
    strict: opts.strict,
  };
  const sources = new Map([...ws.sources, [QUERY_FILE, ref]]);
  let json: unknown;
  try {
    if ('path' in target) {
      const value = evaluatePath(compiled.policy, target.path, req);
      json = value === undefined ? undefined : toJSON(value);
    } else {
      json = solutionsToJSON(evaluateQuery(compiled.policy, target.query, req));
    }
  } catch (e) {
    return reportEvalFailure(io, e, sources);
  }
  const code = printValue(io, json);
  if (explain) {
    io.out(explain.fired.length === 0 ? '\nno rules fired\n' : '\nrules that fired:\n');
    const width = explain.fired.reduce((w, f) => Math.max(w, f.path.length), 0);
    for (const f of explain.fired) io.out(`  ${f.path.padEnd(width)}  ${f.file}:${f.line}\n`);
  }
  return code;
}

/** The input document (-i file, -i - for standard input), or the exit code after reporting why it is unreadable. */
async function readInput(io: CliIO, file: string | undefined): Promise<{ json: unknown } | number> {
  if (file === undefined) return { json: undefined };
  const name = file === '-' ? '<stdin>' : file;
  const r = file === '-' ? await stdinDocument(io) : await readDataFile(file);
  if (!r.ok) {
    if (r.diagnostic.loc) io.err(`${formatDiagnostic(r.diagnostic, new Map([[name, r.text ?? '']]))}\n`);
    else io.err(`railgate: ${r.diagnostic.message}\n`);
    return EXIT_ERROR;
  }
  return { json: r.value };
}

async function stdinDocument(io: CliIO): ReturnType<typeof readDataFile> {
  const text = await io.readStdin();
  return { ...parseDataText(text, '<stdin>'), text };
}
