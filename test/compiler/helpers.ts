import { expect, it } from 'vitest';
import { parseBody, parseModule } from '../../src/lang/parse.js';
import type { Module } from '../../src/lang/ast.js';
import { compile, EvalError, type EvalOptions, type PolicySet } from '../../src/compiler/index.js';
import { fromJSON, toJSON, type Value } from '../../src/runtime/value.js';

/** Parse and compile .gate sources; fails the test on any diagnostic. */
export function policy(...sources: string[]): PolicySet {
  const modules = parseAll(sources);
  const { policy: p, diagnostics } = compile(modules);
  expect(diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`)).toEqual([]);
  return p!;
}

export function parseAll(sources: string[]): Module[] {
  return sources.map((src, i) => {
    const r = parseModule(src, `m${i}.gate`);
    expect(r.diagnostics.map((d) => d.message)).toEqual([]);
    return r.module!;
  });
}

export interface JsonOptions extends Omit<EvalOptions, 'input' | 'data'> {
  input?: unknown;
  data?: unknown;
}

function opts(o: JsonOptions): EvalOptions {
  const out: EvalOptions = { ...o, input: undefined, data: undefined };
  if (o.input !== undefined) out.input = fromJSON(o.input);
  if (o.data !== undefined) out.data = fromJSON(o.data);
  return out;
}

function split(path: string): string[] {
  return path === '' ? [] : path.split('.');
}

/** data.<dotted path> ('' for data itself) as JSON (sets become sorted arrays), or undefined. */
export function evalJSON(p: PolicySet, path: string, o: JsonOptions = {}): unknown {
  const v = p.evaluate(split(path), opts(o));
  return v === undefined ? undefined : toJSON(v);
}

export function evalValue(p: PolicySet, path: string, o: JsonOptions = {}): Value | undefined {
  return p.evaluate(split(path), opts(o));
}

/** All solutions of a query, as JSON rows. */
export function queryJSON(p: PolicySet, q: string, o: JsonOptions = {}): Array<Record<string, unknown>> {
  const r = parseBody(q);
  expect(r.diagnostics).toEqual([]);
  return p.query(r.body!, opts(o)).map((row) => Object.fromEntries([...row].map(([k, v]) => [k, toJSON(v)])));
}

export function evalError(p: PolicySet, path: string, o: JsonOptions = {}): EvalError {
  try {
    p.evaluate(split(path), opts(o));
  } catch (e) {
    expect(e).toBeInstanceOf(EvalError);
    return e as EvalError;
  }
  throw new Error(`expected data.${path} to fail`);
}

/** A table-driven evaluation case: modules, a data path and the expected JSON value. */
export interface EvalCase {
  name: string;
  src: string | string[];
  path: string;
  input?: unknown;
  data?: unknown;
  /** JSON (sets as sorted arrays); undefined when the path is undefined */
  want: unknown;
}

/** One test per case, inside the caller's describe. */
export function runEvalCases(cases: readonly EvalCase[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const p = policy(...(Array.isArray(c.src) ? c.src : [c.src]));
      expect(evalJSON(p, c.path, { input: c.input, data: c.data })).toEqual(c.want);
    });
  }
}
