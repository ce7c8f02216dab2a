import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { checkRoundTrip } from './format.helpers.js';

// Round trips over real modules: every module of OPA's conformance cases that our
// parser accepts, and every .gate file in the repository's policies and bundles.
// Each must format to text that parses to the same AST, keeps its comments and is a
// fixed point of the formatter.

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const conformanceDir = resolve(root, '../shared/opa-conformance');

function filesUnder(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => join(dir, f));
}

function modulesOf(yamlFile: string): string[] {
  const out: string[] = [];
  for (const doc of parseAllDocuments(readFileSync(yamlFile, 'utf8'))) {
    const cases = (doc.toJS() as { cases?: Array<{ modules?: unknown }> } | null)?.cases ?? [];
    for (const c of cases) {
      if (Array.isArray(c.modules)) for (const m of c.modules) if (typeof m === 'string') out.push(m);
    }
  }
  return out;
}

describe('format round trip: OPA conformance modules', () => {
  const files = filesUnder(conformanceDir, '.yaml');
  let total = 0;
  let parsed = 0;
  const seen = new Set<string>(); // many cases share a module: check each text once
  it('finds the conformance corpus (../shared/opa-conformance)', () => {
    expect(files.length, `no YAML files under ${conformanceDir}`).toBeGreaterThan(0);
  });
  for (const file of files) {
    it(relative(conformanceDir, file), () => {
      for (const text of modulesOf(file)) {
        if (seen.has(text)) continue;
        seen.add(text);
        total++;
        if (checkRoundTrip(text, file)) parsed++;
      }
    });
  }
  it('formats most of them (the rest do not parse)', () => {
    // runs last: vitest runs a file's tests in order
    expect(total).toBeGreaterThan(0);
    expect(parsed / total).toBeGreaterThan(0.8);
  });
});

describe('format round trip: repository policies', () => {
  const files = [...filesUnder(join(root, 'policies'), '.gate'), ...filesUnder(join(root, 'bundles'), '.gate')];
  it('finds the reference policies', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const file of files) {
    it(relative(root, file), () => {
      expect(checkRoundTrip(readFileSync(file, 'utf8'), file), `${file} does not parse`).toBe(true);
    });
  }
});
