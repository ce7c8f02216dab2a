import { WasmError } from './errors.js';
import type { ModuleDescriptor } from './webassembly.js';

// What a module must look like for opa-wasm to drive it: OPA's WASM ABI 1.x as
// `opa build -t wasm` emits it. Checked on the compiled module's import and export
// lists before instantiation, so a stray module fails with a message naming what is
// missing rather than with "x is not a function" in the middle of opa-wasm.

/** The imports opa-wasm supplies (namespace `env`). */
const PROVIDED_IMPORTS: ReadonlyMap<string, ModuleDescriptor['kind']> = new Map([
  ['memory', 'memory'],
  ['opa_abort', 'function'],
  ['opa_println', 'function'],
  ['opa_builtin0', 'function'],
  ['opa_builtin1', 'function'],
  ['opa_builtin2', 'function'],
  ['opa_builtin3', 'function'],
  ['opa_builtin4', 'function'],
]);

/** Exports opa-wasm calls on every module (ABI 1.0 and later). */
const REQUIRED_FUNCTIONS = [
  'builtins',
  'entrypoints',
  'eval',
  'opa_eval_ctx_new',
  'opa_eval_ctx_set_input',
  'opa_eval_ctx_set_data',
  'opa_eval_ctx_set_entrypoint',
  'opa_eval_ctx_get_result',
  'opa_malloc',
  'opa_json_parse',
  'opa_json_dump',
  'opa_heap_ptr_get',
  'opa_heap_ptr_set',
] as const;

// Without them opa-wasm logs to stderr and guesses; OPA has written them since 0.27.
const REQUIRED_GLOBALS = ['opa_wasm_abi_version', 'opa_wasm_abi_minor_version'] as const;

const REBUILD = 'rebuild it with `opa build -t wasm` (OPA 0.27 or later)';

/** Throws a wasm_load_error when the module's imports or exports do not fit OPA's ABI. */
export function checkModuleShape(imports: readonly ModuleDescriptor[], exports: readonly ModuleDescriptor[]): void {
  const problems: string[] = [];
  let importsMemory = false;
  for (const imp of imports) {
    const want = imp.module === 'env' ? PROVIDED_IMPORTS.get(imp.name) : undefined;
    if (want === undefined) problems.push(`imports ${imp.module}.${imp.name}, which opa-wasm does not provide`);
    else if (want !== imp.kind) problems.push(`imports env.${imp.name} as a ${imp.kind}, but it is a ${want}`);
    else if (imp.name === 'memory') importsMemory = true;
  }
  if (!importsMemory) problems.push('does not import its memory as env.memory');
  const exported = new Map(exports.map((e) => [e.name, e.kind]));
  const missingFns = REQUIRED_FUNCTIONS.filter((n) => exported.get(n) !== 'function');
  if (missingFns.length > 0) problems.push(`does not export the function${missingFns.length === 1 ? '' : 's'} ${missingFns.join(', ')}`);
  const missingGlobals = REQUIRED_GLOBALS.filter((n) => exported.get(n) !== 'global');
  if (missingGlobals.length > 0) problems.push(`does not export the ABI version global${missingGlobals.length === 1 ? '' : 's'} ${missingGlobals.join(', ')}`);
  if (problems.length > 0) {
    throw new WasmError('wasm_load_error', `policy.wasm is not an OPA policy module: it ${problems.join('; it ')}; ${REBUILD}`);
  }
}

/** ABI 1.2 added opa_eval, which opa-wasm then calls instead of the eval context functions. */
export function checkMinorVersion(minor: number | undefined, hasOpaEval: boolean): void {
  if (minor !== undefined && minor >= 2 && !hasOpaEval) {
    throw new WasmError('wasm_load_error', `policy.wasm declares OPA WASM ABI 1.${minor} but does not export opa_eval, which ABI 1.2 requires; ${REBUILD}`);
  }
}
