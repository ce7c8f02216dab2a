// Shared helpers for the parser tests.

import { parseBody, parseModule, parseTerm } from '../../src/lang/parse.js';
import type { Body, Location, Module, Term } from '../../src/lang/ast.js';

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

/** Every `loc` / `fnLoc` in a value, with the path that leads to it. */
function* locations(x: unknown, path = '$'): Generator<[string, Location]> {
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) yield* locations(x[i], `${path}[${i}]`);
  } else if (x && typeof x === 'object') {
    for (const [k, v] of Object.entries(x)) {
      if (k === 'loc' || k === 'fnLoc') yield [`${path}.${k}`, v as Location];
      else yield* locations(v, `${path}.${k}`);
    }
  }
}

/** 1-based line and column of an offset, computed independently of the parser. */
function lineCol(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return [line, offset - before.lastIndexOf('\n')];
}

/** Locations that are out of range or whose line/column disagree with their offsets. */
export function locationProblems(value: unknown, text: string, file: string): string[] {
  const problems: string[] = [];
  for (const [path, loc] of locations(value)) {
    const ok =
      loc.file === file &&
      loc.offset >= 0 &&
      loc.offset <= loc.endOffset &&
      loc.endOffset <= text.length &&
      lineCol(text, loc.offset).join(':') === `${loc.line}:${loc.col}` &&
      lineCol(text, loc.endOffset).join(':') === `${loc.endLine}:${loc.endCol}`;
    if (!ok) problems.push(`${file} ${path} ${JSON.stringify(loc)}`);
  }
  return problems;
}
