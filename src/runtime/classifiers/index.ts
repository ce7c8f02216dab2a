import type { ClassifierDecl } from '../../lang/ast.js';
import type { Diagnostic } from '../../lang/diagnostics.js';
import { compileDecls } from './declarations.js';
import { LIBRARY_DEFS } from './library.js';
import { CompiledClassifierSet, compileDef, type ClassifierDef, type CompiledClassifier } from './set.js';

// The classifier subsystem's front door: a policy's declarations plus the built-in
// library become one ClassifierSet (see types.ts for the contract).

export type { ClassifierSet, Match, PartialScan, PartialScanOptions } from './types.js';
export { ClassifierError } from './types.js';
export type { ClassifierDef } from './set.js';
export { redactText, spliceMatches, CONTEXT_WINDOW } from './set.js';
export { validateClassifierDecl, keywordsPattern, MAX_LENGTH_LIMIT } from './declarations.js';
export { VALIDATORS } from './validators.js';

let library: CompiledClassifier[] | undefined;

/** The built-in library, compiled once per process (its matchers are shared). */
function libraryClassifiers(): CompiledClassifier[] {
  return (library ??= LIBRARY_DEFS.map(compileDef));
}

/** The built-in classifiers only. */
export function builtinLibrary(): CompiledClassifierSet {
  return new CompiledClassifierSet(libraryClassifiers());
}

/** Definitions of the built-in classifiers (name, description, pattern), for docs. */
export function libraryDefinitions(): readonly ClassifierDef[] {
  return LIBRARY_DEFS;
}

/**
 * A policy's classifier declarations plus the built-in library. Invalid declarations
 * are left out of the set and reported as classifier_error diagnostics.
 */
export function compileClassifiers(decls: readonly ClassifierDecl[]): { set: CompiledClassifierSet; diagnostics: Diagnostic[] } {
  const { classifiers, diagnostics } = compileDecls(decls);
  return { set: new CompiledClassifierSet([...libraryClassifiers(), ...classifiers]), diagnostics };
}
