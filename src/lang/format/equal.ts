import type { Module } from '../ast.js';

// "Same meaning" for the formatter: two modules are the same when their ASTs are
// equal once locations and comments (the only things formatting may change) are
// set aside.

const IGNORED = new Set(['loc', 'fnLoc', 'packageLoc', 'comments', 'file']);

export function sameModule(a: Module, b: Module): boolean {
  return sameIgnoringLocations(a, b);
}

/**
 * Deep equality over AST values, skipping location and comment fields. Iterative:
 * a long operator chain nests as deep as it is long.
 */
export function sameIgnoringLocations(a: unknown, b: unknown): boolean {
  const stack: Array<[unknown, unknown]> = [[a, b]];
  for (let pair = stack.pop(); pair !== undefined; pair = stack.pop()) {
    const [x, y] = pair;
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) stack.push([x[i], y[i]]);
      continue;
    }
    const rx = x as Record<string, unknown>;
    const ry = y as Record<string, unknown>;
    const kx = keys(rx);
    const ky = keys(ry);
    if (kx.length !== ky.length) return false;
    for (const k of kx) {
      if (!Object.prototype.hasOwnProperty.call(ry, k)) return false;
      stack.push([rx[k], ry[k]]);
    }
  }
  return true;
}

function keys(r: Record<string, unknown>): string[] {
  return Object.keys(r).filter((k) => !IGNORED.has(k) && r[k] !== undefined);
}
