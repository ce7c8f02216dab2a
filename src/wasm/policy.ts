import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import type { EvaluateOptions, Evaluator } from '../evaluator/types.js';
import { checkMinorVersion, checkModuleShape } from './abi.js';
import { guardrailBuiltins, providedBuiltins, type CallState } from './builtins.js';
import { WasmError, toWasmError } from './errors.js';
import { globalValue, wasmApi, type CompiledModule, type Instance, type Memory } from './webassembly.js';

// A Rego policy compiled by `opa build -t wasm`, behind the evaluator contract. The
// module is compiled once per revision and instantiated once, with the data
// document parsed into its memory; each evaluation then costs one opa_eval call.
// The wrapper owns what opa-wasm leaves loose: the input is serialised here (so
// `false`, `0`, `""` and `null` reach the policy instead of being dropped as "no
// input"), entrypoints and builtins are checked at load, and whatever opa-wasm or
// the module throws comes out as a WasmError.

export interface WasmPolicyOptions {
  /** base data document (bundle data.json), set once per revision; `{}` when absent */
  data?: unknown;
  /** the manifest's entrypoints for this module, e.g. ['app/rbac/allow'] (each must be exported by the module) */
  entrypoints?: string[];
  /**
   * memory limits in 64 KiB pages; default { initial: 5, maximum: 4096 } (320 KiB,
   * growing to 256 MiB; the maximum defaults to `initial` when that is larger). The
   * memory holds the data document, one input and the evaluation's values, and
   * never shrinks.
   */
  memory?: { initial: number; maximum?: number };
}

export interface WasmEvaluator extends Evaluator {
  readonly kind: 'wasm';
  /** the module's entrypoints (`app/rbac/allow`), in the order of their ids */
  readonly entrypoints: readonly string[];
  /** the builtins the module calls on the host, sorted */
  readonly builtins: readonly string[];
  /** OPA's WASM ABI version of the module */
  readonly abi: { readonly major: number; readonly minor: number };
}

const DEFAULT_INITIAL_PAGES = 5;
const DEFAULT_MAXIMUM_PAGES = 4096;
const MAX_PAGES = 65536;

const LOAD = { phase: 'load' } as const;

function memoryDescriptor(m: WasmPolicyOptions['memory']): { initial: number; maximum: number } {
  const initial = m?.initial ?? DEFAULT_INITIAL_PAGES;
  const maximum = m?.maximum ?? Math.max(DEFAULT_MAXIMUM_PAGES, initial);
  const page = (n: number) => Number.isInteger(n) && n >= 1 && n <= MAX_PAGES;
  if (!page(initial) || !page(maximum) || maximum < initial) {
    throw new WasmError(
      'wasm_load_error',
      `invalid WASM memory limits {initial: ${initial}, maximum: ${maximum}}: both must be whole numbers of 64 KiB pages from 1 to ${MAX_PAGES}, with initial ≤ maximum`,
    );
  }
  return { initial, maximum };
}

/** The exact bytes of `text` as its own ArrayBuffer (opa-wasm reads the whole buffer). */
function utf8Buffer(text: string): ArrayBuffer {
  const bytes = new TextEncoder().encode(text);
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return bytes.slice().buffer;
}

/** JSON text of a value, or why it has none. */
function jsonText(v: unknown): { text: string } | { error: string } {
  try {
    const text = JSON.stringify(v) as string | undefined;
    return text === undefined ? { error: `a ${typeof v} is not a JSON value` } : { text };
  } catch (e) {
    // V8 spells a cycle out over several lines; one line is enough for a log
    return { error: String((e as Error).message).split('\n')[0]! };
  }
}

/** A NUL-terminated JSON string in the module's memory, parsed. */
function readJSON(mem: Memory, addr: number, what: string): unknown {
  const bytes = new Uint8Array(mem.buffer);
  if (!Number.isInteger(addr) || addr <= 0 || addr >= bytes.length) {
    throw new WasmError('wasm_load_error', `policy.wasm returned an invalid address (${addr}) for its ${what}; rebuild it with \`opa build -t wasm\``);
  }
  const end = bytes.indexOf(0, addr);
  if (end < 0) throw new WasmError('wasm_load_error', `policy.wasm's ${what} is not NUL-terminated; rebuild it with \`opa build -t wasm\``);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(addr, end)));
}

function instanceOf(policy: LoadedPolicy): Instance {
  const w = policy.wasmInstance as unknown as Instance | { instance: Instance };
  return 'instance' in w ? w.instance : w;
}

/** The builtin names a module declares (its `builtins` export: name → id). */
function declaredBuiltins(policy: LoadedPolicy): string[] {
  const exports = instanceOf(policy).exports;
  const addr = (exports['builtins'] as () => number)();
  const str = (exports['opa_json_dump'] as (a: number) => number)(addr);
  const map = readJSON(policy.mem as unknown as Memory, str, 'builtins map');
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    throw new WasmError('wasm_load_error', 'policy.wasm\'s builtins export is not an object of builtin names; rebuild it with `opa build -t wasm`');
  }
  return Object.keys(map).sort();
}

/** The module's entrypoints (name → id), as opa-wasm read them. */
function entrypointIds(policy: LoadedPolicy): Map<string, number> {
  const raw = policy.entrypoints as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new WasmError('wasm_load_error', 'policy.wasm\'s entrypoints export is not an object of entrypoint ids; rebuild it with `opa build -t wasm`');
  }
  const ids = new Map<string, number>();
  for (const [name, id] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof id !== 'number' || !Number.isInteger(id)) {
      throw new WasmError('wasm_load_error', `policy.wasm's entrypoint ${name} has id ${JSON.stringify(id)}, not an integer; rebuild it with \`opa build -t wasm\``);
    }
    ids.set(name, id);
  }
  if (ids.size === 0) throw new WasmError('wasm_load_error', 'policy.wasm has no entrypoints; build it with `opa build -t wasm -e <package/rule>`');
  return ids;
}

/** `app/rbac/allow` for data.app.rbac.allow; a segment holding `/` (or empty) names no entrypoint. */
function entrypointName(path: readonly string[]): string | undefined {
  if (path.length === 0 || path.some((s) => s === '' || s.includes('/'))) return undefined;
  return path.join('/');
}

function listed(names: Iterable<string>): string {
  const all = [...names];
  return all.length === 0 ? '(none)' : all.join(', ');
}

class OpaWasmEvaluator implements WasmEvaluator {
  readonly kind = 'wasm' as const;
  readonly entrypoints: readonly string[];

  constructor(
    private readonly policy: LoadedPolicy,
    private readonly ids: ReadonlyMap<string, number>,
    private readonly calls: { current: CallState | undefined },
    readonly builtins: readonly string[],
    readonly abi: { readonly major: number; readonly minor: number },
  ) {
    this.entrypoints = Object.freeze([...ids].sort((a, b) => a[1] - b[1]).map(([name]) => name));
  }

  answers(path: readonly string[]): boolean {
    const name = entrypointName(path);
    return name !== undefined && this.ids.has(name);
  }

  evaluate(path: readonly string[], input: unknown, opts: EvaluateOptions = {}): unknown {
    const entrypoint = path.join('/');
    const name = entrypointName(path);
    const id = name === undefined ? undefined : this.ids.get(name);
    if (id === undefined) {
      throw new WasmError(
        'wasm_entrypoint_error',
        `policy.wasm has no entrypoint ${entrypoint || '(empty path)'}; it has ${listed(this.entrypoints)}. Add it with \`opa build -t wasm -e ${entrypoint || '<package/rule>'}\``,
        { entrypoint },
      );
    }
    // Serialised here, always: opa-wasm's ABI 1.2 path tests `if (input)` and would
    // evaluate `false`, `0`, `""` and `null` as if there were no input at all. An
    // ArrayBuffer is taken as the JSON text it holds, whatever that text is.
    let inputBuffer: ArrayBuffer | undefined;
    if (input !== undefined) {
      const json = jsonText(input);
      if ('error' in json) {
        throw new WasmError('wasm_input_error', `evaluating entrypoint ${entrypoint}: the input cannot be serialised as JSON (${json.error}); pass plain JSON data`, {
          entrypoint,
        });
      }
      inputBuffer = utf8Buffer(json.text);
    }
    if (this.calls.current) {
      throw new WasmError('wasm_eval_error', `evaluating entrypoint ${entrypoint}: called while entrypoint ${this.calls.current.entrypoint} is being evaluated on the same instance`, {
        entrypoint,
      });
    }
    // opts.budget is not enforced: OPA's WASM counts no steps, and a synchronous call
    // into the module cannot be interrupted from this thread.
    this.calls.current = { entrypoint, strict: opts.strict ?? false, nowNs: opts.nowNs ?? Date.now() * 1e6, cache: new Map() };
    let resultSet: unknown;
    try {
      resultSet = this.policy.evaluate(inputBuffer, id);
    } catch (e) {
      throw toWasmError(e, { phase: 'eval', entrypoint });
    } finally {
      this.calls.current = undefined;
    }
    return resultOf(resultSet, entrypoint);
  }
}

/** An entrypoint's result set is `[]` (undefined) or `[{"result": value}]`. */
function resultOf(rs: unknown, entrypoint: string): unknown {
  if (Array.isArray(rs)) {
    if (rs.length === 0) return undefined;
    const first: unknown = rs[0];
    if (rs.length === 1 && typeof first === 'object' && first !== null && Object.prototype.hasOwnProperty.call(first, 'result')) {
      return (first as { result: unknown }).result;
    }
  }
  // its shape only: the values may carry input the policy was given
  const shape = Array.isArray(rs) ? `an array of ${rs.length} element${rs.length === 1 ? '' : 's'} without a single "result"` : rs === null ? 'null' : `a ${typeof rs}`;
  throw new WasmError(
    'wasm_eval_error',
    `evaluating entrypoint ${entrypoint}: the module returned ${shape}, not a result set of the form [{"result": value}]; rebuild it with \`opa build -t wasm\``,
    { entrypoint },
  );
}

/**
 * Compiles policy.wasm (once: keep the evaluator for the whole revision), checks it
 * against OPA's ABI, instantiates it with railgate's guardrail builtins, checks the
 * manifest's entrypoints and the builtins it needs, and sets the data document.
 * Every failure is a WasmError.
 */
export async function loadWasmPolicy(module: Uint8Array, opts: WasmPolicyOptions = {}): Promise<WasmEvaluator> {
  const memory = memoryDescriptor(opts.memory);
  const data = jsonText(opts.data ?? {});
  if ('error' in data) {
    throw new WasmError('wasm_input_error', `the data document cannot be serialised as JSON (${data.error}); pass plain JSON data`);
  }

  let compiled: CompiledModule;
  try {
    compiled = await wasmApi.compile(module);
  } catch (e) {
    throw toWasmError(e, LOAD);
  }
  checkModuleShape(wasmApi.Module.imports(compiled), wasmApi.Module.exports(compiled));

  const calls: { current: CallState | undefined } = { current: undefined };
  const builtins = guardrailBuiltins(() => {
    if (!calls.current) throw new WasmError('wasm_builtin_error', 'a builtin was called outside an evaluation (while loading policy.wasm)');
    return calls.current;
  });

  try {
    // opa-wasm fills in a missing `initial` on the descriptor it is given: pass a copy
    const policy = await loadPolicy(compiled as never, { ...memory }, builtins);
    const exports = instanceOf(policy).exports;
    const major = globalValue(exports['opa_wasm_abi_version']) ?? 1;
    const minor = globalValue(exports['opa_wasm_abi_minor_version']) ?? 0;
    checkMinorVersion(minor, typeof exports['opa_eval'] === 'function');

    const ids = entrypointIds(policy);
    const missingEntrypoints = (opts.entrypoints ?? []).filter((e) => !ids.has(e));
    if (missingEntrypoints.length > 0) {
      const s = missingEntrypoints.length === 1 ? '' : 's';
      throw new WasmError(
        'wasm_entrypoint_error',
        `the manifest lists WASM entrypoint${s} ${listed(missingEntrypoints)} but policy.wasm does not export ${s ? 'them' : 'it'} (it exports ${listed(ids.keys())}); rebuild with \`opa build -t wasm ${missingEntrypoints.map((e) => `-e ${e}`).join(' ')}\` or correct .manifest`,
      );
    }

    // Before setData: the builtins export allocates, and setData resets the heap.
    const declared = declaredBuiltins(policy);
    const provided = providedBuiltins();
    const missing = declared.filter((b) => !provided.has(b));
    if (missing.length > 0) {
      const s = missing.length === 1 ? '' : 's';
      throw new WasmError(
        'wasm_load_error',
        `policy.wasm calls the builtin${s} ${listed(missing)}, which ${s ? 'are' : 'is'} neither compiled into the module nor provided by the host (railgate offers ${listed([...provided].sort())}); remove the call${s} from the Rego policy or write it as a .gate policy`,
      );
    }

    policy.setData(utf8Buffer(data.text));
    return new OpaWasmEvaluator(policy, ids, calls, Object.freeze(declared), Object.freeze({ major, minor }));
  } catch (e) {
    throw toWasmError(e, LOAD);
  }
}
