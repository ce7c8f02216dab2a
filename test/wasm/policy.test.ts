import { loadPolicy } from '@open-policy-agent/opa-wasm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasmPolicy, WasmError, type WasmEvaluator } from '../../src/wasm/index.js';
import { buildModule, TEST_ENTRYPOINTS } from './fixtures/module.js';

const DATA = { app: { rbac: { grants: ['admin', 'editor'] } }, region: 'eu' };

function heapAt(ev: WasmEvaluator): number {
  return ev.evaluate(['test', 'heap'], { probe: 1 }) as number;
}

function attempt(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    return e;
  }
}

// opa-wasm drives a module through opa_eval when its ABI is 1.2 or later (what OPA
// emits today) and through eval contexts before that: both paths must behave alike.
describe.each([
  { abiMinor: 2, path: 'opa_eval (ABI 1.2)' },
  { abiMinor: 1, path: 'eval contexts (ABI 1.1)' },
])('a WASM policy evaluated through $path', ({ abiMinor }) => {
  let bytes: Uint8Array;
  let ev: WasmEvaluator;
  beforeAll(async () => {
    bytes = await buildModule({ abiMinor });
    ev = await loadWasmPolicy(bytes, { data: DATA, entrypoints: ['app/rbac/allow', 'test/echo'] });
  });

  it("is a wasm evaluator listing the module's entrypoints in id order", () => {
    expect(ev.kind).toBe('wasm');
    expect(ev.entrypoints).toEqual(TEST_ENTRYPOINTS);
    expect(ev.abi).toEqual({ major: 1, minor: abiMinor });
    expect(ev.builtins).toEqual(['classify', 'find', 'redact', 'sprintf', 'tokens']);
  });

  it('answers exactly the paths of its entrypoints', () => {
    expect(ev.answers(['app', 'rbac', 'allow'])).toBe(true);
    expect(ev.answers(['test', 'echo'])).toBe(true);
    expect(ev.answers(['app', 'rbac'])).toBe(false);
    expect(ev.answers(['app', 'rbac', 'allow', 'x'])).toBe(false);
    expect(ev.answers(['app/rbac/allow'])).toBe(false);
    expect(ev.answers(['app', 'rbac/allow'])).toBe(false);
    expect(ev.answers([])).toBe(false);
  });

  it('gives the policy false, 0, "" and null as the JSON values they are', () => {
    for (const v of [false, 0, '', null]) {
      expect(ev.evaluate(['test', 'echo'], v)).toBe(v);
    }
  });

  it('treats an undefined input as no input', () => {
    expect(ev.evaluate(['test', 'echo'], undefined)).toBeUndefined();
    expect(ev.evaluate(['app', 'rbac', 'allow'], undefined)).toBe(false);
  });

  it('passes any JSON input through unchanged', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(ev.evaluate(['test', 'echo'], v)).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 150 },
    );
    expect(ev.evaluate(['test', 'echo'], { s: 'naïve 😀 \u2028 "q" \\' })).toEqual({ s: 'naïve 😀 \u2028 "q" \\' });
  });

  it('decides app/rbac/allow from both the input and the data', () => {
    expect(ev.evaluate(['app', 'rbac', 'allow'], { user: 'ann', role: 'admin' })).toBe(true);
    expect(ev.evaluate(['app', 'rbac', 'allow'], { user: 'bob', role: 'editor' })).toBe(true);
    expect(ev.evaluate(['app', 'rbac', 'allow'], { user: 'cy', role: 'viewer' })).toBe(false);
    // "app" occurs in the data, but not among the grants
    expect(ev.evaluate(['app', 'rbac', 'allow'], { user: 'cy', role: 'app' })).toBe(false);
    expect(ev.evaluate(['app', 'rbac', 'allow'], { user: 'dee' })).toBe(false);
  });

  it('evaluates against the data document set once at load', () => {
    expect(ev.evaluate(['test', 'data'], undefined)).toEqual(DATA);
    for (let i = 0; i < 20; i++) ev.evaluate(['test', 'echo'], { i, pad: 'x'.repeat(i * 100) });
    expect(ev.evaluate(['test', 'data'], { other: true })).toEqual(DATA);
  });

  it('copies the data at load: changing the object afterwards changes nothing', async () => {
    const data = { app: { rbac: { grants: ['admin'] } } };
    const own = await loadWasmPolicy(bytes, { data });
    data.app.rbac.grants.push('viewer');
    expect(own.evaluate(['app', 'rbac', 'allow'], { role: 'viewer' })).toBe(false);
    expect(own.evaluate(['test', 'data'], undefined)).toEqual({ app: { rbac: { grants: ['admin'] } } });
  });

  it('keeps the data of each loaded instance apart, and defaults it to {}', async () => {
    const other = await loadWasmPolicy(bytes, { data: { app: { rbac: { grants: ['viewer'] } } } });
    const none = await loadWasmPolicy(bytes);
    expect(other.evaluate(['app', 'rbac', 'allow'], { role: 'viewer' })).toBe(true);
    expect(ev.evaluate(['app', 'rbac', 'allow'], { role: 'viewer' })).toBe(false);
    expect(none.evaluate(['test', 'data'], undefined)).toEqual({});
    expect(none.evaluate(['app', 'rbac', 'allow'], { role: 'admin' })).toBe(false);
  });

  it('returns undefined when the entrypoint is undefined (an empty result set)', () => {
    expect(ev.evaluate(['test', 'undefined'], { a: 1 })).toBeUndefined();
  });

  it('starts every evaluation from the same heap, whatever came before', () => {
    const first = heapAt(ev);
    expect(heapAt(ev)).toBe(first);
    ev.evaluate(['test', 'echo'], { big: 'y'.repeat(200_000) });
    expect(attempt(() => ev.evaluate(['test', 'abort'], {}))).toBeInstanceOf(WasmError);
    expect(attempt(() => ev.evaluate(['test', 'classify0'], {}))).toBeInstanceOf(WasmError);
    expect(attempt(() => ev.evaluate(['test', 'trap'], {}))).toBeInstanceOf(WasmError);
    expect(heapAt(ev)).toBe(first);
    expect(ev.evaluate(['test', 'data'], undefined)).toEqual(DATA);
    expect(ev.evaluate(['app', 'rbac', 'allow'], { role: 'admin' })).toBe(true);
  });

  it('returns JSON or throws a WasmError, whatever the entrypoint and input', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TEST_ENTRYPOINTS), fc.option(fc.jsonValue(), { nil: undefined }), fc.boolean(), (entrypoint, input, strict) => {
        let out: unknown;
        try {
          out = ev.evaluate(entrypoint.split('/'), input, { strict });
        } catch (e) {
          expect(e).toBeInstanceOf(WasmError);
          expect(typeof (e as WasmError).code).toBe('string');
          return;
        }
        if (out !== undefined) expect(JSON.parse(JSON.stringify(out))).toEqual(out);
      }),
      { numRuns: 300 },
    );
  });
});

describe('opa-wasm on its own', () => {
  // Why the wrapper serialises every input itself: on ABI 1.2 opa-wasm tests
  // `if (input)`, and a falsy input evaluates as if there were none.
  it('drops a falsy input on ABI 1.2', async () => {
    const policy = await loadPolicy(await buildModule({ abiMinor: 2 }));
    expect(policy.evaluate(false, 'test/echo')).toEqual([]);
    expect(policy.evaluate(0, 'test/echo')).toEqual([]);
    expect(policy.evaluate(true, 'test/echo')).toEqual([{ result: true }]);
  });
});
