// check() over every module of OPA's conformance cases: it never throws, and the
// modules OPA accepts get no error diagnostics (cases that expect an error may
// legitimately get some, so they are only run for the never-throws half). It runs
// with the test's builtin signatures and with the runtime's real BUILTINS table, which
// is what the compiler passes: a builtin typed differently there shows up here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { check } from '../../../src/lang/check/index.js';
import type { Module } from '../../../src/lang/ast.js';
import { formatDiagnostic } from '../../../src/lang/diagnostics.js';
import { parseModule } from '../../../src/lang/parse.js';
import { BUILTINS } from '../../../src/runtime/builtins/index.js';
import { BUILTIN_SIGNATURES, CLASSIFIER_NAMES } from './builtins-fixture.js';

const ROOT = '/work/shared/opa-conformance';

interface Case {
  note: string;
  modules?: string[];
  want_error_code?: string;
  want_error?: string;
}

function* cases(): Generator<{ file: string; c: Case }> {
  for (const dir of readdirSync(ROOT, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(ROOT, dir.name))) {
      if (!f.endsWith('.yaml') && !f.endsWith('.yml')) continue;
      const file = join(dir.name, f);
      const doc = parseYaml(readFileSync(join(ROOT, file), 'utf8')) as { cases?: Case[] };
      for (const c of doc.cases ?? []) yield { file, c };
    }
  }
}

/** Features outside the core (README): their modules may use unknown imports or builtins. */
const OUTSIDE_CORE = /import rego\.v2|future\.keywords\.not|http\.send|io\.jwt|opa\.runtime/;

describe('check over OPA conformance modules', () => {
  it('never throws and reports no errors for modules OPA accepts', () => {
    const failures: string[] = [];
    let checked = 0;
    let asserted = 0;
    for (const { file, c } of cases()) {
      const modules: Module[] = [];
      let parsedAll = true;
      (c.modules ?? []).forEach((text, i) => {
        const r = parseModule(text, `${file}#${c.note}#${i}`);
        if (r.module) modules.push(r.module);
        if (!r.module || r.diagnostics.some((d) => d.severity === 'error')) parsedAll = false;
      });
      for (const [table, builtins] of [['fixture', BUILTIN_SIGNATURES], ['BUILTINS', BUILTINS]] as const) {
        let diags;
        try {
          diags = check(modules, { builtins, classifierNames: CLASSIFIER_NAMES });
        } catch (e) {
          failures.push(`${c.note} (${table}): threw ${(e as Error).message}`);
          continue;
        }
        checked++;
        const expectsError = c.want_error_code !== undefined || c.want_error !== undefined;
        const outside = (c.modules ?? []).some((m) => OUTSIDE_CORE.test(m));
        if (!parsedAll || expectsError || outside) continue;
        if (table === 'fixture') asserted++;
        const errors = diags.filter((d) => d.severity === 'error' || d.message.startsWith('internal'));
        if (errors.length > 0) failures.push(`${c.note} (${table}):\n${errors.map((d) => formatDiagnostic(d)).join('\n')}`);
      }
    }
    expect(checked).toBeGreaterThan(800);
    // most cases must have parsed, or the no-errors half would pass vacuously
    expect(asserted).toBeGreaterThan(350);
    expect(failures).toEqual([]);
  });
});
