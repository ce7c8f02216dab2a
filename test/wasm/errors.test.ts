import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { repairAbortText, toWasmError } from '../../src/wasm/errors.js';
import { loadWasmPolicy, WasmError, type WasmEvaluator, type WasmPolicyOptions } from '../../src/wasm/index.js';
import { buildModule, compileWat, type ModuleOptions } from './fixtures/module.js';

function thrown(f: () => unknown): WasmError {
  try {
    f();
  } catch (e) {
    if (e instanceof WasmError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

async function loadError(bytes: Uint8Array, opts?: WasmPolicyOptions): Promise<WasmError> {
  try {
    await loadWasmPolicy(bytes, opts);
  } catch (e) {
    if (e instanceof WasmError) return e;
    throw e;
  }
  throw new Error('loaded');
}

async function variantError(o: ModuleOptions, opts?: WasmPolicyOptions): Promise<WasmError> {
  return loadError(await buildModule(o), opts);
}

describe('loading policy.wasm fails with a wasm_load_error', () => {
  it('for bytes that are not WebAssembly', async () => {
    const e = await loadError(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]));
    expect(e.code).toBe('wasm_load_error');
    expect(e.message).toMatch(/^policy\.wasm is not a valid WebAssembly module: .+; rebuild it with `opa build -t wasm`$/);
    expect(e.cause).toBeInstanceOf(Error);
  });

  it('for a WebAssembly module that is not an OPA policy, naming what is missing', async () => {
    const e = await loadError(await compileWat('(module (import "env" "opa_abort" (func (param i32))) (func (export "eval") (param i32) (result i32) (i32.const 0)))'));
    expect(e.code).toBe('wasm_load_error');
    expect(e.message).toContain('policy.wasm is not an OPA policy module: it does not import its memory as env.memory');
    expect(e.message).toContain('does not export the functions builtins, entrypoints, opa_eval_ctx_new');
    expect(e.message).not.toContain(' eval,');
    expect(e.message).toContain('does not export the ABI version globals opa_wasm_abi_version, opa_wasm_abi_minor_version');
  });

  it('for a module importing what opa-wasm does not provide', async () => {
    const e = await loadError(await compileWat('(module (import "env" "memory" (memory 1)) (import "wasi" "fd_write" (func)) (import "env" "opa_abort" (global i32)))'));
    expect(e.message).toContain('it imports wasi.fd_write, which opa-wasm does not provide');
    expect(e.message).toContain('it imports env.opa_abort as a global, but it is a function');
  });

  it('for a module without the ABI version globals', async () => {
    const e = await variantError({ omitExports: ['opa_wasm_abi_version', 'opa_wasm_abi_minor_version'] });
    expect(e.message).toContain('does not export the ABI version globals opa_wasm_abi_version, opa_wasm_abi_minor_version');
  });

  it('for an ABI 1.2 module without opa_eval', async () => {
    const e = await variantError({ abiMinor: 2, omitExports: ['opa_eval'] });
    expect(e.message).toBe(
      'policy.wasm declares OPA WASM ABI 1.2 but does not export opa_eval, which ABI 1.2 requires; rebuild it with `opa build -t wasm` (OPA 0.27 or later)',
    );
  });

  it('for an ABI major version opa-wasm does not support', async () => {
    const e = await variantError({ abiMajor: 2 });
    expect(e.message).toBe('policy.wasm uses OPA WASM ABI version 2, but opa-wasm supports only version 1; rebuild it with an OPA release whose ABI is 1.x');
    expect(e.cause).toBe('unsupported ABI version 2');
  });

  it('for a module that cannot parse the JSON the host gives it', async () => {
    const e = await variantError({ parseFails: true });
    expect(e.code).toBe('wasm_load_error');
    expect(e.message).toContain('loading policy.wasm: the module could not parse a JSON value the host passed to it');
    expect(e.cause).toBe('failed to parse json value');
  });

  it('for memory limits that make no sense, or too small for the module', async () => {
    const bytes = await buildModule();
    for (const memory of [{ initial: 0 }, { initial: 4, maximum: 3 }, { initial: 1.5 }, { initial: 70000 }]) {
      const e = await loadError(bytes, { memory });
      expect(e.code).toBe('wasm_load_error');
      expect(e.message).toMatch(/^invalid WASM memory limits/);
    }
    // the module imports a memory of at least 2 pages
    const e = await loadError(bytes, { memory: { initial: 1, maximum: 1 } });
    expect(e.code).toBe('wasm_load_error');
    expect(e.message).toMatch(/^policy\.wasm cannot be linked against opa-wasm's imports: .*memory/);
  });
});

describe('entrypoints', () => {
  let bytes: Uint8Array;
  beforeAll(async () => {
    bytes = await buildModule();
  });

  it('listed in the manifest but not exported by the module fail the load', async () => {
    const e = await loadError(bytes, { entrypoints: ['app/rbac/allow', 'app/rbac/deny', 'app/audit'] });
    expect(e.code).toBe('wasm_entrypoint_error');
    expect(e.message).toMatch(
      /^the manifest lists WASM entrypoints app\/rbac\/deny, app\/audit but policy\.wasm does not export them \(it exports test\/echo, test\/data, app\/rbac\/allow, .*\); rebuild with `opa build -t wasm -e app\/rbac\/deny -e app\/audit` or correct \.manifest$/,
    );
  });

  it('that the module does not have fail the evaluation, listing the ones it has', async () => {
    const ev = await loadWasmPolicy(bytes);
    const e = thrown(() => ev.evaluate(['app', 'rbac', 'deny'], {}));
    expect(e.code).toBe('wasm_entrypoint_error');
    expect(e.entrypoint).toBe('app/rbac/deny');
    expect(e.message).toMatch(/^policy\.wasm has no entrypoint app\/rbac\/deny; it has test\/echo, test\/data, app\/rbac\/allow, .*test\/multi\. Add it with `opa build -t wasm -e app\/rbac\/deny`$/);
    expect(thrown(() => ev.evaluate([], {})).code).toBe('wasm_entrypoint_error');
  });
});

describe.each([{ abiMinor: 2 }, { abiMinor: 1 }])('evaluation errors (ABI 1.$abiMinor)', ({ abiMinor }) => {
  let ev: WasmEvaluator;
  beforeAll(async () => {
    ev = await loadWasmPolicy(await buildModule({ abiMinor }));
  });

  it("an opa_abort is a wasm_abort with the policy's location", () => {
    const e = thrown(() => ev.evaluate(['test', 'abort'], {}));
    expect(e.code).toBe('wasm_abort');
    expect(e.entrypoint).toBe('test/abort');
    expect(e.location).toEqual({ file: 'policy.rego', row: 7, col: 5 });
    expect(e.message).toBe('evaluating entrypoint test/abort: policy error at policy.rego:7:5: var assignment conflict');
    expect(e.cause).toBe('policy.rego:7:5: var assignment conflict');
  });

  it('an abort message in UTF-8 keeps its characters', () => {
    const e = thrown(() => ev.evaluate(['test', 'abort_utf8'], {}));
    expect(e.code).toBe('wasm_abort');
    expect(e.location).toEqual({ file: 'café.rego', row: 3, col: 1 });
    expect(e.message).toBe('evaluating entrypoint test/abort_utf8: policy error at café.rego:3:1: naïve conflict');
  });

  it('a result that is not JSON is a wasm_eval_error', () => {
    const e = thrown(() => ev.evaluate(['test', 'bad_json'], {}));
    expect(e.code).toBe('wasm_eval_error');
    expect(e.message).toMatch(/^evaluating entrypoint test\/bad_json: the module returned text that is not JSON \(.+\); it is not a working OPA policy/);
    expect(e.cause).toBeInstanceOf(SyntaxError);
  });

  it('a result set that is not [{"result": value}] is a wasm_eval_error that does not show the values', () => {
    const e = thrown(() => ev.evaluate(['test', 'multi'], {}));
    expect(e.code).toBe('wasm_eval_error');
    expect(e.message).toBe(
      'evaluating entrypoint test/multi: the module returned an array of 2 elements without a single "result", not a result set of the form [{"result": value}]; rebuild it with `opa build -t wasm`',
    );
  });

  it('a trap is a wasm_eval_error', () => {
    const e = thrown(() => ev.evaluate(['test', 'trap'], {}));
    expect(e.code).toBe('wasm_eval_error');
    expect(e.message).toMatch(/^evaluating entrypoint test\/trap: the module trapped \(unreachable/);
  });

  it('a stack overflow is a wasm_eval_error', () => {
    const e = thrown(() => ev.evaluate(['test', 'recurse'], {}));
    expect(e.code).toBe('wasm_eval_error');
    expect(e.message).toBe('evaluating entrypoint test/recurse: the policy overflowed the stack (too deep recursion)');
  });

  it('an input that is not JSON is a wasm_input_error', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const input of [cyclic, { n: 10n }, () => 1, Symbol('s')]) {
      const e = thrown(() => ev.evaluate(['test', 'echo'], input));
      expect(e.code).toBe('wasm_input_error');
      expect(e.message).toMatch(/^evaluating entrypoint test\/echo: the input cannot be serialised as JSON \(.+\); pass plain JSON data$/);
    }
    expect(ev.evaluate(['test', 'echo'], 'still fine')).toBe('still fine');
  });

  it('an input too large for the memory maximum is a wasm_memory_error, and the next evaluation works', async () => {
    const small = await loadWasmPolicy(await buildModule({ abiMinor }), { memory: { initial: 2, maximum: 3 } });
    const e = thrown(() => small.evaluate(['test', 'echo'], { big: 'z'.repeat(300_000) }));
    expect(e.code).toBe('wasm_memory_error');
    expect(e.message).toContain('evaluating entrypoint test/echo: ');
    expect(e.message).toContain('raise the memory maximum (WasmPolicyOptions.memory.maximum, in 64 KiB pages) or send a smaller input');
    expect(small.evaluate(['test', 'echo'], { small: true })).toEqual({ small: true });
  });
});

describe('the data document', () => {
  it('that is not JSON fails the load with a wasm_input_error', async () => {
    const e = await loadError(await buildModule(), { data: { at: 1n } });
    expect(e.code).toBe('wasm_input_error');
    expect(e.message).toMatch(/^the data document cannot be serialised as JSON \(.+BigInt.*\); pass plain JSON data$/);
  });

  it('too large for the memory maximum fails the load with a wasm_memory_error', async () => {
    const e = await loadError(await buildModule(), { data: { big: 'd'.repeat(300_000) }, memory: { initial: 2, maximum: 3 } });
    expect(e.code).toBe('wasm_memory_error');
    expect(e.message).toContain('loading policy.wasm: the module ran out of memory (opa_malloc failed)');
  });
});

describe('toWasmError', () => {
  const EVAL = { phase: 'eval', entrypoint: 'app/x' } as const;
  const LOAD = { phase: 'load' } as const;

  it.each([
    ['failed to parse json value', EVAL, 'wasm_eval_error', 'evaluating entrypoint app/x: the module could not parse a JSON value'],
    ['entrypoint app/y is not valid in this instance', EVAL, 'wasm_entrypoint_error', 'evaluating entrypoint app/x: entrypoint app/y is not valid in this instance'],
    ['opa_malloc: failed', LOAD, 'wasm_memory_error', 'loading policy.wasm: the module ran out of memory'],
    ['eval failed', EVAL, 'wasm_abort', 'evaluating entrypoint app/x: the policy aborted: eval failed'],
    ['internal: illegal entrypoint id', EVAL, 'wasm_abort', 'evaluating entrypoint app/x: the policy aborted: internal: illegal entrypoint id'],
  ] as const)('maps the string %j', (s, at, code, start) => {
    const e = toWasmError(s, at);
    expect(e.code).toBe(code);
    expect(e.message.startsWith(start)).toBe(true);
    expect(e.cause).toBe(s);
  });

  it('maps plain objects, by their message', () => {
    const missing = toWasmError({ message: 'not implemented: built-in function 3: http.send' }, EVAL);
    expect(missing.code).toBe('wasm_builtin_error');
    expect(missing.message).toContain('the policy called builtin "http.send" (id 3); the host does not provide it');
    const other = toWasmError({ message: 'weird' }, EVAL);
    expect(other.code).toBe('wasm_eval_error');
    expect(other.message).toBe('evaluating entrypoint app/x: weird');
    expect(toWasmError({ no: 'message' }, LOAD).message).toBe('loading policy.wasm: {"no":"message"}');
  });

  it('maps anything else thrown, and passes WasmErrors through', () => {
    expect(toWasmError(42, EVAL).message).toBe('evaluating entrypoint app/x: the module threw 42');
    expect(toWasmError(null, LOAD).code).toBe('wasm_load_error');
    expect(toWasmError(undefined, EVAL).code).toBe('wasm_eval_error');
    expect(toWasmError(Object.create(null), EVAL).code).toBe('wasm_eval_error');
    expect(toWasmError(new TypeError('x is not a function'), EVAL).message).toBe('evaluating entrypoint app/x: x is not a function');
    const own = new WasmError('wasm_abort', 'kept');
    expect(toWasmError(own, EVAL)).toBe(own);
  });
});

describe('repairAbortText', () => {
  // what opa-wasm's stringDecoder does with a NUL-terminated message
  function opaWasmDecode(s: string): string {
    const i8 = new Int8Array(new TextEncoder().encode(s).buffer);
    let out = '';
    for (const b of i8) out += String.fromCharCode(b);
    return out;
  }

  it("undoes opa-wasm's byte-by-byte decoding of any UTF-8 message", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }).filter((s) => !s.includes('\0')),
        (s) => {
          expect(repairAbortText(opaWasmDecode(s))).toBe(s);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves text alone that did not come through that decoder', () => {
    expect(repairAbortText('plain ascii')).toBe('plain ascii');
    expect(repairAbortText('naïve')).toBe('naïve');
    expect(repairAbortText('ｶﾀｶﾅ naïve')).toBe('ｶﾀｶﾅ naïve');
  });
});
