import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILTINS, type BuiltinContext } from '../../src/runtime/builtins/index.js';
import { builtinLibrary } from '../../src/runtime/classifiers/index.js';
import { toJSON, type Value } from '../../src/runtime/value.js';
import { loadWasmPolicy, OPA_WASM_BUILTINS, WasmError, type WasmEvaluator } from '../../src/wasm/index.js';
import { buildModule } from './fixtures/module.js';

const SECRET = 'AKIAIOSFODNN7EXAMPLE';
const TEXT = `mail bob@example.com, key ${SECRET}`;

/** What railgate's own runtime answers for the same call, as JSON. */
function runtime(name: string, ...args: Value[]): unknown {
  const ctx: BuiltinContext = { nowNs: 0, classifiers: builtinLibrary(), strict: true, cache: new Map() };
  const v = BUILTINS.get(name)!.fn(args, ctx);
  return v === undefined ? undefined : toJSON(v);
}

function thrown(f: () => unknown): WasmError {
  try {
    f();
  } catch (e) {
    if (e instanceof WasmError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('guardrail builtins in a WASM policy', () => {
  let ev: WasmEvaluator;
  beforeAll(async () => {
    ev = await loadWasmPolicy(await buildModule());
  });

  it('classify(text) comes back through opa_builtin1 as the sorted array of classifier names', () => {
    const r = ev.evaluate(['test', 'classify'], TEXT);
    expect(r).toEqual(['pii.email', 'secret.aws_access_key']);
    expect(r).toEqual(runtime('classify', TEXT));
    expect(ev.evaluate(['test', 'classify'], 'nothing to see')).toEqual([]);
  });

  it('classify(text, names) looks only for the named classifiers (opa_builtin2)', () => {
    expect(ev.evaluate(['test', 'classify_in'], [TEXT, ['pii.email', 'pii.phone']])).toEqual(['pii.email']);
    expect(ev.evaluate(['test', 'classify_in'], [TEXT, []])).toEqual([]);
  });

  it('find returns code point offsets, never the value (opa_builtin2)', () => {
    const r = ev.evaluate(['test', 'find'], [`😀 ${SECRET}`, 'secret.aws_access_key']);
    expect(r).toEqual([{ start: 2, end: 22 }]);
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });

  it('redact replaces the matches (opa_builtin3)', () => {
    expect(ev.evaluate(['test', 'redact'], [TEXT, ['pii.email', 'secret.aws_access_key'], '[{name}]'])).toBe(
      'mail [pii.email], key [secret.aws_access_key]',
    );
    expect(ev.evaluate(['test', 'redact'], [TEXT, ['pii.email'], '***'])).toBe(`mail ***, key ${SECRET}`);
  });

  it("tokens counts with the model's tokenizer (opa_builtin1 and opa_builtin2)", () => {
    const text = 'The quick brown fox jumps over the lazy dog. Ünïcødé 😀';
    expect(ev.evaluate(['test', 'tokens'], text)).toBe(runtime('tokens', text));
    expect(ev.evaluate(['test', 'tokens_for'], [text, 'gpt-4'])).toBe(runtime('tokens', text, 'gpt-4'));
    expect(ev.evaluate(['test', 'tokens'], '')).toBe(0);
  });

  it("leaves opa-wasm's own builtins in place (sprintf)", () => {
    expect(ev.evaluate(['test', 'sprintf'], ['%s has %d', ['ann', 3]])).toBe('ann has 3');
  });

  it('refuses a call with the wrong number of arguments, naming the builtin', () => {
    const none = thrown(() => ev.evaluate(['test', 'classify0'], {}));
    expect(none.code).toBe('wasm_builtin_error');
    expect(none.entrypoint).toBe('test/classify0');
    expect(none.message).toBe(
      'evaluating entrypoint test/classify0: classify was called with 0 arguments but takes 1 to 2 arguments; fix the call in the Rego policy',
    );
    const four = thrown(() => ev.evaluate(['test', 'redact4'], [TEXT, ['pii.email'], 'x', 'y']));
    expect(four.code).toBe('wasm_builtin_error');
    expect(four.message).toContain('redact was called with 4 arguments but takes 3 arguments');
  });

  it('halts on an operand of the wrong type, strict or not, without echoing the text', () => {
    for (const strict of [false, true]) {
      const e = thrown(() => ev.evaluate(['test', 'classify'], 42, { strict }));
      expect(e.code).toBe('wasm_builtin_error');
      expect(e.message).toBe('evaluating entrypoint test/classify: classify: operand 1 must be string but got number');
    }
    const e = thrown(() => ev.evaluate(['test', 'find'], [TEXT, ['pii.email']]));
    expect(e.message).toContain('find: operand 2 must be string but got array');
    expect(e.message).not.toContain(SECRET);
  });

  it('makes a call with an unknown classifier undefined, or an error when strict', () => {
    expect(ev.evaluate(['test', 'classify_in'], [TEXT, ['pii.nope']])).toBeUndefined();
    const e = thrown(() => ev.evaluate(['test', 'classify_in'], [TEXT, ['pii.nope']], { strict: true }));
    expect(e.code).toBe('wasm_builtin_error');
    expect(e.message).toBe('evaluating entrypoint test/classify_in: classify: unknown classifier "pii.nope"');
    expect(e.message).not.toContain(SECRET);
    // strictness belongs to one evaluation
    expect(ev.evaluate(['test', 'classify_in'], [TEXT, ['pii.nope']])).toBeUndefined();
    expect(ev.evaluate(['test', 'redact'], [TEXT, ['pii.nope'], 'x'])).toBeUndefined();
  });

  it('turns a call to a builtin id the module never declared into a wasm_builtin_error', () => {
    const e = thrown(() => ev.evaluate(['test', 'unknown_builtin'], {}));
    expect(e.code).toBe('wasm_builtin_error');
    expect(e.message).toContain('the policy called builtin id 99, which the module\'s builtins map does not declare');
  });

  it('refuses at load a module that declares a builtin nobody provides', async () => {
    const bytes = await buildModule({ extraBuiltins: { 'http.send': 5, 'time.now_ns': 6 } });
    const e = await loadWasmPolicy(bytes).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(WasmError);
    expect((e as WasmError).code).toBe('wasm_load_error');
    expect((e as WasmError).message).toContain('policy.wasm calls the builtins http.send, time.now_ns, which are neither compiled into the module nor provided by the host');
    expect((e as WasmError).message).toContain('classify, find');
  });
});

describe("opa-wasm's own host builtins", () => {
  it('are the ones OPA_WASM_BUILTINS lists (update it when opa-wasm changes)', () => {
    const require = createRequire(import.meta.url);
    const main = require.resolve('@open-policy-agent/opa-wasm');
    const file = join(dirname(main), 'builtins', 'index.js');
    expect(readFileSync(file, 'utf8')).toContain('module.exports');
    const own = require(file) as Record<string, unknown>;
    expect(Object.keys(own).sort()).toEqual([...OPA_WASM_BUILTINS].sort());
  });
});
