// Shared helpers for the parser tests.

import { parseBody, parseModule, parseTerm } from '../../src/lang/parse.js';
import type { Body, Module, Term } from '../../src/lang/ast.js';

/** Removes locations so tests can compare shapes. */
export function strip<T>(x: T): unknown {
  return JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'loc' || k === 'fnLoc' ? undefined : v)));
}

export function term(text: string): unknown {
  const r = parseTerm(text);
  if (!r.term) throw new Error(`parse failed: ${text}\n${r.diagnostics.map((d) => d.message).join('\n')}`);
  return strip(r.term);
}

export function rawTerm(text: string): Term {
  const r = parseTerm(text);
  if (!r.term) throw new Error(`parse failed: ${text}\n${r.diagnostics.map((d) => d.message).join('\n')}`);
  return r.term;
}

export function body(text: string): unknown {
  return strip(rawBody(text));
}

export function rawBody(text: string): Body {
  const r = parseBody(text);
  if (!r.body) throw new Error(`parse failed: ${text}\n${r.diagnostics.map((d) => d.message).join('\n')}`);
  return r.body;
}

export function mod(text: string, file = 'test.gate'): Module {
  const r = parseModule(text, file);
  if (!r.module) throw new Error(`parse failed:\n${r.diagnostics.map((d) => `${d.loc?.line}:${d.loc?.col} ${d.message}`).join('\n')}`);
  return r.module;
}

/** The rules of `package t` followed by `src`, without locations. */
export function rules(src: string): any[] {
  return strip(mod(`package t\n\n${src}`).rules) as any[];
}

// Short constructors for expected shapes.
export const v = (name: string) => ({ type: 'var', name });
export const n = (raw: string) => ({ type: 'number', raw });
export const s = (value: string) => ({ type: 'string', value, rawString: false });
export const b = (op: string, left: unknown, right: unknown) => ({ type: 'binary', op, left, right });
export const ref = (head: unknown, ...path: Array<string | object>) => ({
  type: 'ref',
  head,
  path: path.map((p) => (typeof p === 'string' ? s(p) : p)),
  dotted: path.map((p) => typeof p === 'string'),
});
export const call = (fn: string, ...args: unknown[]) => ({ type: 'call', fn: fn.split('.'), args });
export const lit = (stmt: unknown, extra: object = {}) => ({ negated: false, with: [], stmt, ...extra });
export const termStmt = (t: unknown) => ({ type: 'term', term: t });
