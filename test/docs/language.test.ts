import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTINS, OPERATORS } from '../../src/runtime/builtins/index.js';
import { builtinLibrary } from '../../src/runtime/classifiers/index.js';

// docs/language.md is the reference users read; these checks keep it from drifting
// away from the registries the evaluator actually uses.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const doc = readFileSync(join(ROOT, 'docs', 'language.md'), 'utf8');

/** Names written as code in the doc: `name` or `name(args...)`. */
const codeSpans = new Set<string>();
for (const m of doc.matchAll(/`([^`\n]+)`/g)) {
  const span = m[1]!;
  codeSpans.add(span);
  const call = /^([A-Za-z_][\w.]*)\(/.exec(span);
  if (call) codeSpans.add(call[1]!);
}

const operatorBuiltins = new Set<string>(Object.values(OPERATORS));

describe('docs/language.md', () => {
  it('documents every builtin of the registry', () => {
    const names = [...BUILTINS.keys()].filter((n) => !n.startsWith('internal.') && !operatorBuiltins.has(n));
    expect(names.length).toBeGreaterThan(50);
    const missing = names.filter((n) => !codeSpans.has(n));
    expect(missing).toEqual([]);
  });

  it('documents every classifier of the built-in library', () => {
    const names = builtinLibrary().names();
    expect(names.length).toBeGreaterThanOrEqual(15);
    const missing = names.filter((n) => !codeSpans.has(n));
    expect(missing).toEqual([]);
  });

  it('names no builtin or classifier that does not exist', () => {
    // Rows of the builtin tables start with a call (`name(args)`), rows of the
    // classifier table with a name.
    const known = new Set([...BUILTINS.keys(), ...builtinLibrary().names()]);
    const section = (title: string): string => {
      const start = doc.indexOf(`\n## ${title}\n`);
      expect(start).toBeGreaterThanOrEqual(0);
      const end = doc.indexOf('\n## ', start + 1);
      return doc.slice(start, end < 0 ? undefined : end);
    };
    const rows = (text: string, re: RegExp): string[] => [...text.matchAll(re)].map((m) => m[1]!);
    const documented = [
      ...rows(section('Builtins'), /^\| `([A-Za-z_][\w.]*)\(/gm),
      ...rows(section('The built-in classifier library'), /^\| `([A-Za-z_][\w.]*)` \|/gm),
    ];
    expect(documented.length).toBeGreaterThan(50);
    expect(documented.filter((n) => !known.has(n))).toEqual([]);
  });

  it('documents every diagnostic code', () => {
    const src = readFileSync(join(ROOT, 'src', 'lang', 'diagnostics.ts'), 'utf8');
    const union = /export type DiagnosticCode =([^;]+);/.exec(src);
    expect(union).not.toBeNull();
    const codes = [...union![1]!.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(5);
    expect(codes.filter((c) => !codeSpans.has(c))).toEqual([]);
  });
});
