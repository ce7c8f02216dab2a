import { BUILTINS, BuiltinError, type Builtin, type BuiltinContext } from '../runtime/builtins/index.js';
import { builtinLibrary, type ClassifierSet } from '../runtime/classifiers/index.js';
import { fromJSON, toJSON, type Value } from '../runtime/value.js';
import { WasmError } from './errors.js';

// The host side of a WASM policy's builtin calls. opa-wasm hands a builtin its
// arguments as JSON values and loads whatever it returns back as JSON; railgate's
// guardrail builtins run on policy values, so each call converts both ways and maps
// a BuiltinError the way the DSL evaluator treats it.

/** The railgate builtins a WASM module may declare (by these exact names). */
export const GUARDRAIL_BUILTINS = ['classify', 'find', 'redact', 'tokens'] as const;

/**
 * The builtins opa-wasm 1.10 implements in JavaScript itself (its src/builtins):
 * it consults them before ours. Kept here so a module that needs a builtin nobody
 * provides is refused when it loads; test/wasm/builtins.test.ts checks the list
 * against the installed package.
 */
export const OPA_WASM_BUILTINS: readonly string[] = ['json.is_valid', 'regex.split', 'sprintf', 'yaml.is_valid', 'yaml.marshal', 'yaml.unmarshal'];

/** Every builtin name a module may declare in its `builtins` map. */
export function providedBuiltins(): Set<string> {
  return new Set<string>([...GUARDRAIL_BUILTINS, ...OPA_WASM_BUILTINS]);
}

/** What one evaluation gives its builtin calls; replaced before every evaluation. */
export interface CallState {
  readonly entrypoint: string;
  readonly strict: boolean;
  readonly nowNs: number;
  /** the guardrail builtins' per-evaluation scan memo lives here */
  readonly cache: Map<string, unknown>;
}

function arity(b: Builtin): string {
  const max = b.args.length;
  const min = b.minArgs ?? max;
  if (min === max) return `${max} argument${max === 1 ? '' : 's'}`;
  return `${min} to ${max} arguments`;
}

function call(b: Builtin, classifiers: ClassifierSet, state: CallState, json: unknown[]): unknown {
  const at = { entrypoint: state.entrypoint };
  if (json.length < (b.minArgs ?? b.args.length) || json.length > b.args.length) {
    throw new WasmError(
      'wasm_builtin_error',
      `evaluating entrypoint ${state.entrypoint}: ${b.name} was called with ${json.length} argument${json.length === 1 ? '' : 's'} but takes ${arity(b)}; fix the call in the Rego policy`,
      at,
    );
  }
  let args: Value[];
  try {
    args = json.map(fromJSON);
  } catch (e) {
    throw new WasmError('wasm_builtin_error', `evaluating entrypoint ${state.entrypoint}: ${b.name}: ${(e as Error).message}`, { ...at, cause: e });
  }
  const ctx: BuiltinContext = { nowNs: state.nowNs, classifiers, strict: state.strict, cache: state.cache };
  let result: Value | undefined;
  try {
    result = b.fn(args, ctx);
  } catch (e) {
    // As in the DSL: a wrong operand type halts; a failure on a well-typed operand
    // (an unknown classifier) makes the call undefined unless the evaluation is strict.
    if (e instanceof BuiltinError && e.code === 'eval_builtin_error' && !state.strict) return undefined;
    const message = e instanceof Error ? e.message : String(e);
    throw new WasmError('wasm_builtin_error', `evaluating entrypoint ${state.entrypoint}: ${message}`, { ...at, cause: e });
  }
  return result === undefined ? undefined : toJSON(result);
}

/**
 * The custom builtins to hand opa-wasm. `state()` is the current evaluation's state;
 * calling a builtin outside an evaluation is a bug in the caller.
 */
export function guardrailBuiltins(state: () => CallState): Record<string, (...args: unknown[]) => unknown> {
  // the built-in library only: a WASM policy cannot declare classifiers
  const classifiers = builtinLibrary();
  const out: Record<string, (...args: unknown[]) => unknown> = Object.create(null) as Record<string, (...args: unknown[]) => unknown>;
  for (const name of GUARDRAIL_BUILTINS) {
    const b = BUILTINS.get(name);
    if (!b) throw new Error(`railgate's runtime has no builtin ${name}`);
    out[name] = (...args: unknown[]) => call(b, classifiers, state(), args);
  }
  return out;
}
