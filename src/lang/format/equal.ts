import type { Module } from '../ast.js';

// "Same meaning" for the formatter: two modules are the same when their ASTs are
// equal once locations and comments (the only things formatting may change) are
// set aside.

const IGNORED = new Set(['loc', 'fnLoc', 'packageLoc', 'comments', 'file']);
const MAX_DEPTH = 10_000;

export function sameModule(a: Module, b: Module): boolean {
  return same(a, b, 0);
}

/** deep equality over AST values, skipping location and comment fields */
export function sameIgnoringLocations(a: unknown, b: unknown): boolean {
  return same(a, b, 0);
}

function same(a: unknown, b: unknown, depth: number): boolean {
  if (a === b) return true;
  if (depth > MAX_DEPTH) return false;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => same(x, b[i], depth + 1));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = (r: Record<string, unknown>) => Object.keys(r).filter((k) => !IGNORED.has(k) && r[k] !== undefined);
  const ka = keys(ra);
  const kb = keys(rb);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && same(ra[k], rb[k], depth + 1));
}
