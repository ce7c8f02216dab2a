// Everything that goes wrong with a Rego→WASM policy is a WasmError: a code a program
// can switch on, and a message that says what happened, in which entrypoint, and how
// to fix it. opa-wasm throws strings, plain objects and engine errors; toWasmError
// turns each of them into one of these, so nothing else leaves the evaluator.

export type WasmErrorCode =
  /** policy.wasm that cannot be compiled, linked or initialised, or that lacks OPA's ABI */
  | 'wasm_load_error'
  /** an entrypoint that the module does not export (at load: one the manifest lists) */
  | 'wasm_entrypoint_error'
  /** the policy called opa_abort: a runtime error of the Rego policy (conflicts and the like) */
  | 'wasm_abort'
  /** a builtin the host does not provide, or one that failed (wrong arity or operand type) */
  | 'wasm_builtin_error'
  /** the module trapped, overflowed the stack or returned something that is not a result set */
  | 'wasm_eval_error'
  /** an input (or data document) that cannot be serialised as JSON */
  | 'wasm_input_error'
  /** the module's memory would grow past its maximum */
  | 'wasm_memory_error';

/** Where in the Rego source a policy aborted, as OPA's runtime errors say it (`file:row:col: msg`). */
export interface WasmLocation {
  file: string;
  row: number;
  col: number;
}

export class WasmError extends Error {
  readonly code: WasmErrorCode;
  /** the entrypoint being evaluated (`app/rbac/allow`), when there was one */
  readonly entrypoint: string | undefined;
  /** the Rego location of a runtime error, when the module reported one */
  readonly location: WasmLocation | undefined;
  constructor(code: WasmErrorCode, message: string, opts: { entrypoint?: string; location?: WasmLocation; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'WasmError';
    this.code = code;
    this.entrypoint = opts.entrypoint;
    this.location = opts.location;
  }
}

export function isWasmError(e: unknown): e is WasmError {
  return e instanceof WasmError;
}

/** What the module was doing when it threw: loading, or evaluating one entrypoint. */
export type WasmPhase = { phase: 'load' } | { phase: 'eval'; entrypoint: string };

const MEMORY_HINT = 'raise the memory maximum (WasmPolicyOptions.memory.maximum, in 64 KiB pages) or send a smaller input';

/**
 * opa-wasm's stringDecoder reads abort messages byte by byte through an Int8Array, so
 * each byte ≥ 0x80 arrives as U+FF80..U+FFFF. Every character stands for one byte,
 * which makes the repair exact: take the low bytes back and decode them as UTF-8.
 */
export function repairAbortText(s: string): string {
  if (!/[\uff80-\uffff]/.test(s) || /[\u0080-\uff7f]/.test(s)) return s;
  const bytes = Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
  return new TextDecoder().decode(bytes);
}

/** `policy.rego:12:5: var assignment conflict`, as OPA's opa_runtime_error formats it. */
function runtimeErrorLocation(msg: string): { location: WasmLocation; text: string } | undefined {
  const m = /^(.+?):(\d+):(\d+): (.*)$/s.exec(msg);
  if (!m) return undefined;
  return { location: { file: m[1]!, row: Number(m[2]), col: Number(m[3]) }, text: m[4]! };
}

function where(at: WasmPhase): string {
  return at.phase === 'load' ? 'loading policy.wasm' : `evaluating entrypoint ${at.entrypoint}`;
}

function opts(at: WasmPhase, cause: unknown, location?: WasmLocation): { entrypoint?: string; location?: WasmLocation; cause?: unknown } {
  return {
    ...(at.phase === 'eval' ? { entrypoint: at.entrypoint } : {}),
    ...(location ? { location } : {}),
    cause,
  };
}

/** The strings opa-wasm itself throws; every other thrown string comes from the module's opa_abort. */
function fromString(raw: string, at: WasmPhase): WasmError {
  const s = repairAbortText(raw);
  const abi = /^unsupported ABI version (\S+)/.exec(s);
  if (abi) {
    return new WasmError(
      'wasm_load_error',
      `policy.wasm uses OPA WASM ABI version ${abi[1]}, but opa-wasm supports only version 1; rebuild it with an OPA release whose ABI is 1.x`,
      opts(at, raw),
    );
  }
  if (s === 'failed to parse json value') {
    return new WasmError(
      at.phase === 'load' ? 'wasm_load_error' : 'wasm_eval_error',
      `${where(at)}: the module could not parse a JSON value the host passed to it (opa_json_parse returned 0); the module is not a working OPA policy, rebuild it with \`opa build -t wasm\``,
      opts(at, raw),
    );
  }
  if (/^entrypoint .* is not valid in this instance$/.test(s) || s.startsWith('entrypoint value is an invalid type')) {
    return new WasmError('wasm_entrypoint_error', `${where(at)}: ${s}`, opts(at, raw));
  }
  if (s === 'opa_malloc: failed') {
    return new WasmError('wasm_memory_error', `${where(at)}: the module ran out of memory (opa_malloc failed); ${MEMORY_HINT}`, opts(at, raw));
  }
  const rt = runtimeErrorLocation(s);
  if (rt) {
    const { file, row, col } = rt.location;
    return new WasmError('wasm_abort', `${where(at)}: policy error at ${file}:${row}:${col}: ${rt.text}`, opts(at, raw, rt.location));
  }
  return new WasmError('wasm_abort', `${where(at)}: the policy aborted: ${s}`, opts(at, raw));
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The message of a plain object opa-wasm throws (`{message: "not implemented: ..."}`). */
function fromPlainObject(x: Record<string, unknown>, at: WasmPhase): WasmError {
  const message = typeof x['message'] === 'string' ? x['message'] : JSON.stringify(x);
  const missing = /^not implemented: built-in function (-?\d+): (.*)$/.exec(message);
  if (missing) {
    const [, id, name] = missing;
    const what = name === 'undefined' ? `builtin id ${id}, which the module's builtins map does not declare` : `builtin ${JSON.stringify(name)} (id ${id})`;
    return new WasmError(
      'wasm_builtin_error',
      `${where(at)}: the policy called ${what}; the host does not provide it. Railgate offers classify, find, redact and tokens besides opa-wasm's own; rebuild the policy without that call`,
      opts(at, x),
    );
  }
  return new WasmError(at.phase === 'load' ? 'wasm_load_error' : 'wasm_eval_error', `${where(at)}: ${message}`, opts(at, x));
}

function engineName(e: Error): string {
  return e.constructor?.name ?? e.name;
}

function fromError(e: Error, at: WasmPhase): WasmError {
  const kind = engineName(e);
  if (kind === 'CompileError') {
    return new WasmError('wasm_load_error', `policy.wasm is not a valid WebAssembly module: ${e.message}; rebuild it with \`opa build -t wasm\``, opts(at, e));
  }
  if (kind === 'LinkError') {
    const memory = /memory/i.test(e.message) ? '; if it needs more initial memory, raise WasmPolicyOptions.memory.initial' : '';
    return new WasmError('wasm_load_error', `policy.wasm cannot be linked against opa-wasm's imports: ${e.message}${memory}`, opts(at, e));
  }
  if (kind === 'RuntimeError') {
    return new WasmError('wasm_eval_error', `${where(at)}: the module trapped (${e.message}); the module is faulty, rebuild it with \`opa build -t wasm\``, opts(at, e));
  }
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new WasmError('wasm_eval_error', `${where(at)}: the policy overflowed the stack (too deep recursion)`, opts(at, e));
  }
  if (e instanceof RangeError && /memory/i.test(e.message)) {
    return new WasmError('wasm_memory_error', `${where(at)}: the module's memory cannot grow any further (${e.message}); ${MEMORY_HINT}`, opts(at, e));
  }
  if (e instanceof SyntaxError) {
    return new WasmError(
      at.phase === 'load' ? 'wasm_load_error' : 'wasm_eval_error',
      `${where(at)}: the module returned text that is not JSON (${e.message}); it is not a working OPA policy, rebuild it with \`opa build -t wasm\``,
      opts(at, e),
    );
  }
  return new WasmError(at.phase === 'load' ? 'wasm_load_error' : 'wasm_eval_error', `${where(at)}: ${e.message}`, opts(at, e));
}

/** Whatever opa-wasm or the module threw, as a WasmError (WasmErrors pass through). */
export function toWasmError(thrown: unknown, at: WasmPhase): WasmError {
  if (thrown instanceof WasmError) return thrown;
  if (typeof thrown === 'string') return fromString(thrown, at);
  if (thrown instanceof Error) return fromError(thrown, at);
  if (isPlainObject(thrown)) return fromPlainObject(thrown, at);
  let text: string;
  try {
    text = String(thrown);
  } catch {
    text = typeof thrown;
  }
  return new WasmError(at.phase === 'load' ? 'wasm_load_error' : 'wasm_eval_error', `${where(at)}: the module threw ${text}`, opts(at, thrown));
}
