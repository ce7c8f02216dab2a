import type { Body } from '../lang/ast.js';
import { DiagnosticsError } from '../lang/diagnostics.js';
import { EvalError, type EvalOptions, type PolicySet } from '../compiler/index.js';
import { RObject, type Value } from '../runtime/value.js';
import type { TestCase, TraceHooks } from '../tester/types.js';

// The one place the CLI calls the language: parse every source, compile the
// modules that parsed, evaluate paths and queries. Diagnostics from parsing and
// compiling come back together.

export type PathElement = string | number;

export { compileSources, parseSources, type Compiled, type Parsed } from '../compiler/sources.js';

export interface EvalRequest {
  input?: Value;
  data?: Value;
  tracer?: TraceHooks;
  /** wall-clock budget for this evaluation */
  timeoutMs?: number;
  /** builtin errors raise instead of making the call undefined */
  strict?: boolean;
}

function evalOptions(req: EvalRequest): EvalOptions {
  return {
    ...(req.input !== undefined ? { input: req.input } : {}),
    ...(req.data !== undefined ? { data: req.data } : {}),
    ...(req.tracer ? { tracer: req.tracer } : {}),
    ...(req.timeoutMs !== undefined ? { budget: { timeoutMs: req.timeoutMs } } : {}),
    ...(req.strict ? { strict: true } : {}),
  };
}

/**
 * The value at a path under data (the path excludes `data`). Rules and packages are
 * addressed by name; from the first array index on, the path walks the value.
 */
export function evaluatePath(policy: PolicySet, path: readonly PathElement[], req: EvalRequest): Value | undefined {
  const firstIndex = path.findIndex((p) => typeof p === 'number');
  const named = (firstIndex < 0 ? path : path.slice(0, firstIndex)) as string[];
  let value = policy.evaluate(named, evalOptions(req));
  for (const key of firstIndex < 0 ? [] : path.slice(firstIndex)) {
    if (value === undefined) break;
    if (Array.isArray(value)) value = typeof key === 'number' ? (value as readonly Value[])[key] : undefined;
    else if (value instanceof RObject) value = value.get(key);
    else value = undefined;
  }
  return value;
}

/** Every solution of a query body, as variable bindings. Throws DiagnosticsError / EvalError. */
export function evaluateQuery(policy: PolicySet, body: Body, req: EvalRequest): Array<Map<string, Value>> {
  return policy.query(body, evalOptions(req));
}

/** The policy's test rules as the runner sees them. */
export function testCases(policy: PolicySet): TestCase[] {
  return policy.tests();
}

export function isEvalError(e: unknown): e is EvalError {
  return e instanceof EvalError;
}

export function isDiagnosticsError(e: unknown): e is DiagnosticsError {
  return e instanceof DiagnosticsError;
}
