import { formatDiagnostic, type DiagnosticCode, type Sources } from '../../lang/diagnostics.js';
import { toJSON, type Value } from '../../runtime/value.js';
import { toTestError } from '../../tester/runner.js';
import { formatDiagnostics } from '../diagnostics-output.js';
import { EXIT_ERROR, EXIT_FAIL, EXIT_OK, type CliIO } from '../io.js';
import { isDiagnosticsError } from '../toolchain.js';

// What `railgate eval` prints, whether it evaluated policies (-d) or a bundle (-b).

/** A query's solutions as JSON objects (variables in name order); undefined when there are none. */
export function solutionsToJSON(rows: ReadonlyArray<ReadonlyMap<string, Value>>): unknown {
  if (rows.length === 0) return undefined;
  return rows.map((row) => Object.fromEntries([...row.keys()].sort().map((n) => [n, toJSON(row.get(n)!)])));
}

/** The value as indented JSON (`undefined` when undefined); exit 0 defined, 1 undefined. */
export function printValue(io: CliIO, json: unknown): number {
  io.out(json === undefined ? 'undefined\n' : `${JSON.stringify(json, null, 2)}\n`);
  return json === undefined ? EXIT_FAIL : EXIT_OK;
}

/**
 * Reports a failed evaluation — a query that does not compile, or an evaluation
 * error with a code (EvalError, WasmError) — and returns exit 2; rethrows anything else.
 */
export function reportEvalFailure(io: CliIO, e: unknown, sources: Sources, what = 'evaluation failed'): number {
  if (isDiagnosticsError(e)) {
    io.err(formatDiagnostics(e.diagnostics, sources));
    return EXIT_ERROR;
  }
  const code = (e as { code?: unknown }).code;
  if (!(e instanceof Error) || typeof code !== 'string') throw e;
  const err = toTestError(e);
  const d = { code: code as DiagnosticCode, severity: 'error' as const, message: err.message, ...(err.loc ? { loc: err.loc } : {}) };
  io.err(`railgate: ${what}\n${formatDiagnostic(d, sources)}\n`);
  return EXIT_ERROR;
}
