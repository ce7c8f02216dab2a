import type { Module } from '../lang/ast.js';
import { hasErrors, type Diagnostic } from '../lang/diagnostics.js';
import { parseModule } from '../lang/parse.js';
import { compile, type CompileOptions, type PolicySet } from './index.js';

// From source texts to a policy set, for every shell that holds files rather than
// modules (the CLI, the benchmarks, the bundle loader): parse each, then compile
// the modules together. Diagnostics from both stages come back in one list.

export interface Parsed {
  modules: Module[];
  diagnostics: Diagnostic[];
}

export interface Compiled extends Parsed {
  /** absent when any parse or compile error was found */
  policy?: PolicySet;
}

/** Parses every source (file name → text). */
export function parseSources(sources: ReadonlyMap<string, string>): Parsed {
  const modules: Module[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const [file, text] of sources) {
    const r = parseModule(text, file);
    diagnostics.push(...r.diagnostics);
    if (r.module) modules.push(r.module);
  }
  return { modules, diagnostics };
}

/** Parses and compiles every source; no policy when anything has an error. */
export function compileSources(sources: ReadonlyMap<string, string>, opts?: CompileOptions): Compiled {
  const parsed = parseSources(sources);
  // Compiling modules that failed to parse would only add noise about rules that
  // are missing because of the parse error.
  if (hasErrors(parsed.diagnostics)) return parsed;
  const r = compile(parsed.modules, opts);
  const diagnostics = [...parsed.diagnostics, ...r.diagnostics];
  if (!r.policy || hasErrors(r.diagnostics)) return { modules: parsed.modules, diagnostics };
  return { modules: parsed.modules, diagnostics, policy: r.policy };
}
