import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Module } from '../../src/lang/ast.js';
import { formatDiagnostic } from '../../src/lang/diagnostics.js';
import { parseModule } from '../../src/lang/parse.js';
import { compile } from '../../src/compiler/index.js';
import { runTests } from '../../src/tester/runner.js';

// The examples in the docs are what people paste first: every `rego` block must
// parse, and the README quickstart (a policy and its tests) must compile and pass.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function regoBlocks(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/```rego\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** Fragments (rules without a package line) are parsed inside a package. */
function asModule(block: string): string {
  return /^(?:\s*#.*\n)*\s*package\s/.test(block) ? block : `package doc\n\n${block}`;
}

describe('rego examples in the docs', () => {
  for (const file of ['docs/language.md', 'README.md', 'policies/README.md']) {
    it(`parse in ${file}`, () => {
      const problems: string[] = [];
      regoBlocks(file).forEach((block, i) => {
        const name = `${file}#${i + 1}`;
        const text = asModule(block);
        const r = parseModule(text, name);
        problems.push(...r.diagnostics.map((d) => formatDiagnostic(d, new Map([[name, text]]))));
      });
      expect(problems).toEqual([]);
    });
  }

  it('include a README quickstart whose policy compiles and whose tests pass', () => {
    const blocks = regoBlocks('README.md');
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const modules: Module[] = blocks.slice(0, 2).map((b, i) => {
      const r = parseModule(b, `README.md#${i + 1}`);
      expect(r.diagnostics).toEqual([]);
      return r.module!;
    });
    const c = compile(modules);
    expect(c.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const policy = c.policy!;
    const report = runTests(policy.tests(), { evaluate: (t) => policy.evaluate([...t.path]) });
    expect(report.results.map((r) => [r.name, r.status])).toEqual([
      ['data.hello_test.test_aws_key_is_denied', 'pass'],
      ['data.hello_test.test_research_gets_more_tokens', 'pass'],
    ]);
  });
});
