import { expect } from 'vitest';
import type { Module } from '../../src/lang/ast.js';
import { format } from '../../src/lang/format.js';
import { parseModule } from '../../src/lang/parse.js';

// The three properties every formatted module must have, shared by the table and the
// property tests: the output parses to the same AST (locations and comments aside),
// keeps every comment's text in order, and formats to itself.

const LOCATION_KEYS = new Set(['loc', 'fnLoc', 'packageLoc', 'comments', 'file']);

/** a copy of an AST value without locations and comments, for deep comparison */
export function stripLocations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripLocations);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!LOCATION_KEYS.has(k) && v !== undefined) out[k] = stripLocations(v);
  }
  return out;
}

export function parsesTo(text: string, file = 'case.gate'): Module | undefined {
  const { module, diagnostics } = parseModule(text, file);
  return module && !diagnostics.some((d) => d.severity === 'error') ? module : undefined;
}

/** asserts the three properties for `text`; returns false when `text` does not parse */
export function checkRoundTrip(text: string, file = 'case.gate'): boolean {
  const before = parsesTo(text, file);
  if (!before) return false;
  const once = format(before, text);
  const after = parsesTo(once, file);
  expect(after, `formatted text does not parse:\n${once}`).toBeDefined();
  if (!after) return true;
  expect(stripLocations(after), `meaning changed:\n${text}\n--- formatted ---\n${once}`).toEqual(stripLocations(before));
  expect(commentTexts(after)).toEqual(commentTexts(before));
  expect(format(after, once), `not idempotent:\n${once}`).toBe(once);
  return true;
}

function commentTexts(m: Module): string[] {
  return [...m.comments].sort((a, b) => a.loc.offset - b.loc.offset).map((c) => c.text);
}
