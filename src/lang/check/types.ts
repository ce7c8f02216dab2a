import type { ClassifierDecl } from '../ast.js';
import type { Diagnostic } from '../diagnostics.js';
import type { World } from './world.js';

/**
 * What the checker needs to know of a builtin. Structurally a subset of the runtime's
 * `Builtin` (src/runtime/builtins/types.ts), so the compiler passes BUILTINS as is
 * without src/lang importing the runtime. Types are `any`, a type name, or `a|b`.
 */
export interface BuiltinSignature {
  args: readonly string[];
  result: string;
  /** several arities: the fewest arguments accepted */
  minArgs?: number;
}

export interface CheckOptions {
  builtins: ReadonlyMap<string, BuiltinSignature>;
  /** RE2 / validator / length checks of one declaration (owned by the classifier engine) */
  validateClassifier?: (decl: ClassifierDecl) => Diagnostic[];
  /** names of the built-in classifier library; unknown-classifier checks run only when given */
  classifierNames?: ReadonlySet<string>;
}

/** Shared state of one check() run. */
export interface CheckContext {
  world: World;
  opts: CheckOptions;
  out: Diagnostic[];
}
